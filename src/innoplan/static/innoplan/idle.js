/* Idle logout: warn 60 s before the session's idle limit, then sign out through the logout form.
   Activity resets only this page's timer; the server enforces the limit itself. */
(function () {
  'use strict';

  var WARN_SECONDS = 60;

  function start() {
    var source = document.getElementById('session-idle-seconds');
    var form = document.getElementById('idle-logout-form');
    var banner = document.getElementById('idle-warning');
    var counter = document.getElementById('idle-countdown');
    var stay = document.getElementById('idle-stay');
    if (!source || !form || !banner) return;

    var limit = Number(JSON.parse(source.textContent));
    if (!(limit > 0)) return;
    var lastActive = Date.now();
    var leaving = false;

    function reset() {
      if (!leaving) lastActive = Date.now();
    }

    function tick() {
      var remaining = Math.ceil(limit - (Date.now() - lastActive) / 1000);
      if (remaining <= 0) {
        if (!leaving) {
          leaving = true;
          form.submit();
        }
        return;
      }
      if (remaining <= WARN_SECONDS) {
        banner.classList.remove('d-none');
        if (counter) counter.textContent = String(remaining);
      } else {
        banner.classList.add('d-none');
      }
    }

    ['keydown', 'mousedown', 'wheel', 'touchstart', 'scroll'].forEach(function (name) {
      window.addEventListener(name, reset, { passive: true });
    });
    var lastMove = 0;
    window.addEventListener('mousemove', function () {
      var now = Date.now();
      if (now - lastMove > 5000) {
        lastMove = now;
        reset();
      }
    }, { passive: true });

    if (stay) {
      stay.addEventListener('click', function () {
        // A request refreshes the server's idle clock too.
        fetch(window.location.href, { method: 'HEAD', credentials: 'same-origin' }).catch(function () {});
        reset();
        tick();
      });
    }
    tick();
    window.setInterval(tick, 1000);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
