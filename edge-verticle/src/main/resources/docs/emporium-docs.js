// Swagger UI on this edge's own OpenAPI document; a file rather than an inline script, so a strict CSP can allow it
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // no badge from validator.swagger.io: the page loads nothing from elsewhere
    validatorUrl: null
  });
};
