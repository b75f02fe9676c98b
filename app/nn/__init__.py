"""The maths: numpy and the standard library only, nothing of the web or the store."""
