// Starts the vendored Swagger UI on /docs: a file, not an inline script, so the strict CSP holds.
/* global SwaggerUIBundle */
SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
