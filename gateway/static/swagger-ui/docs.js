// Renders /openapi.json with the vendored Swagger UI (swagger-ui-dist, see package.json here).
// Signed in through the web client (the union_session cookie), "Try it out" works too:
// writes get the X-CSRF-Token header from the readable union_csrf cookie.
function csrfToken() {
  var match = document.cookie.match(/(?:^|;\s*)union_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : null;
}

window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    withCredentials: true,
    requestInterceptor: function (request) {
      var token = csrfToken();
      if (token && request.method && request.method.toUpperCase() !== "GET") {
        request.headers["X-CSRF-Token"] = token;
      }
      return request;
    },
  });
});
