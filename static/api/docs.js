// Starts Swagger UI on the API docs page (templates/api/docs.html) with the portal's schema.
(function () {
  "use strict";
  var element = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: element.dataset.schemaUrl,
    domNode: element,
    deepLinking: true,
    // Only GET exists; "Try it out" sends requests to this host alone.
    supportedSubmitMethods: ["get"],
    validatorUrl: null,
  });
})();
