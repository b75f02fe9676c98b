"""Teaching content built on app.nn: exam-practice questions and preset networks."""
