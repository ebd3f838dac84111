// Boots the embedded GraphiQL page (part of pactreg, not vendored).
// The GraphQL endpoint is read from the data-endpoint attribute, which the
// server fills in (HTML-escaped) when it renders the page; keeping this script
// in a file of its own lets the Content-Security-Policy forbid inline scripts.
(function () {
  'use strict';
  var root = document.getElementById('graphiql');
  var endpoint = root.getAttribute('data-endpoint');
  var fetcher = GraphiQL.createFetcher({ url: endpoint });
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
    })
  );
})();
