// GraphiQL for the shared deals API: queries and mutations over HTTP POST, subscriptions
// over WebSocket (graphql-transport-ws) with the token in connection_init's payload.
// Loaded as a file (no inline script), so the page runs under a strict CSP.
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("ide-config").textContent);
  var endpoint = window.location.pathname;
  var socketUrl =
    (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + endpoint;

  // Switching demo user reloads the page as that user (header, variables and tabs).
  var picker = document.getElementById("ide-user");
  if (picker) {
    picker.addEventListener("change", function () {
      var url = new URL(window.location.href);
      url.searchParams.set("as", picker.value);
      window.location.assign(url.toString());
    });
  }

  function authorizationOf(headers) {
    for (var name in headers) {
      if (name.toLowerCase() === "authorization") return headers[name];
    }
    return null;
  }

  // The operation to run, read from the query text itself: GraphiQL updates its idea of
  // the operation name 100 ms after an edit or a tab switch, so a quick run would
  // otherwise send the previous tab's name ("Unknown operation named …").
  function chooseOperation(query, operationName) {
    var operations;
    try {
      operations = GraphiQL.GraphQL.parse(query).definitions.filter(function (d) {
        return d.kind === "OperationDefinition";
      });
    } catch (_) {
      return { name: operationName, type: "query" }; // the server reports the syntax error
    }
    var named = operations.filter(function (d) {
      return d.name && d.name.value === operationName;
    })[0];
    var chosen = named || (operations.length === 1 ? operations[0] : null);
    if (!chosen) return { name: operationName, type: "query" };
    return { name: chosen.name ? chosen.name.value : undefined, type: chosen.operation };
  }

  // One WebSocket per token: the token authenticates the connection, not each operation.
  var clients = {};
  function socketFor(authorization) {
    var key = authorization || "";
    if (!clients[key]) {
      clients[key] = graphqlWs.createClient({
        url: socketUrl,
        lazy: true,
        retryAttempts: 5,
        connectionParams: authorization ? { authorization: authorization } : {},
      });
    }
    return clients[key];
  }

  function describe(error) {
    if (Array.isArray(error)) return { errors: error };
    if (error && typeof error.code === "number") {
      var reason = error.reason ? ": " + error.reason : "";
      return { errors: [{ message: "WebSocket closed (" + error.code + reason + ")" }] };
    }
    return { errors: [{ message: String((error && error.message) || error) }] };
  }

  function subscribe(params, authorization) {
    return {
      subscribe: function (observer) {
        var dispose = socketFor(authorization).subscribe(params, {
          next: function (value) { observer.next(value); },
          error: function (error) { observer.next(describe(error)); observer.complete(); },
          complete: function () { observer.complete(); },
        });
        return { unsubscribe: dispose };
      },
    };
  }

  function fetcher(params, options) {
    var headers = Object.assign({}, (options && options.headers) || {});
    var authorization = authorizationOf(headers) || config.authorization;
    if (authorization && !authorizationOf(headers)) headers.Authorization = authorization;
    var operation = chooseOperation(params.query, params.operationName);
    params = Object.assign({}, params, { operationName: operation.name });
    if (operation.type === "subscription") {
      return subscribe(params, authorization);
    }
    return fetch(endpoint, {
      method: "POST",
      credentials: "omit",
      headers: Object.assign({ "Content-Type": "application/json", Accept: "application/json" }, headers),
      body: JSON.stringify(params),
    }).then(function (response) {
      return response.text().then(function (text) {
        try {
          return JSON.parse(text);
        } catch (_) {
          return { errors: [{ message: "HTTP " + response.status + ": " + text }] };
        }
      });
    });
  }

  // Saved tabs live under a namespace that changes with the token and the examples;
  // older namespaces are dropped so stale ids and revoked tokens never come back.
  var prefix = config.storageNamespace + ":";
  Object.keys(window.localStorage).forEach(function (key) {
    if (key.indexOf("sdx:") === 0 && key.indexOf(prefix) !== 0) window.localStorage.removeItem(key);
  });
  var storage = {
    getItem: function (key) { return window.localStorage.getItem(prefix + key); },
    setItem: function (key, value) { window.localStorage.setItem(prefix + key, value); },
    removeItem: function (key) { window.localStorage.removeItem(prefix + key); },
    clear: function () {
      Object.keys(window.localStorage).forEach(function (key) {
        if (key.indexOf(prefix) === 0) window.localStorage.removeItem(key);
      });
    },
    get length() {
      return Object.keys(window.localStorage).filter(function (key) {
        return key.indexOf(prefix) === 0;
      }).length;
    },
  };

  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultTabs: config.tabs,
      // The first tab's headers and every new tab's ("+") start with the demo token.
      defaultHeaders: config.headers,
      storage: storage,
      shouldPersistHeaders: config.persistHeaders,
      defaultEditorToolsVisibility: "variables",
    })
  );
})();
