// Opens the edge's event-bus bridge as a signed-in buyer and reports to the test what happens:
// ?edge=<edge base URL>&token=<access token>&user=<user id>&report=<URL that takes the reports as JSON POSTs>
(function () {
  var params = new URLSearchParams(window.location.search);
  var edge = params.get('edge');
  var token = params.get('token');
  var user = params.get('user');
  var reportUrl = params.get('report');

  function report(event) {
    document.getElementById('log').textContent += JSON.stringify(event) + '\n';
    return fetch(reportUrl, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(event)});
  }

  window.addEventListener('error', function (e) {
    report({event: 'error', where: 'page', message: String(e.message)});
  });

  if (typeof EventBus !== 'function' || typeof SockJS !== 'function') {
    report({event: 'error', where: 'page', message: 'vertx-eventbus.js or sockjs-client did not load'});
    return;
  }

  var eb = new EventBus(edge + '/eventbus');
  eb.onopen = function () {
    var address = 'user.' + user + '.orders';
    eb.registerHandler(address, {Authorization: 'Bearer ' + token}, function (error, message) {
      if (error) {
        report({event: 'error', where: 'handler', error: error});
      } else {
        report({event: 'message', address: message.address, body: message.body});
      }
    });
    // the bridge answers a refused registration with an error frame; no news is a registration that stands
    report({event: 'registered', address: address});
  };
  eb.onerror = function (error) {
    report({event: 'error', where: 'eventbus', error: error});
  };
  eb.onclose = function (e) {
    report({event: 'closed', code: e && e.code, reason: e && e.reason});
  };
})();
