/* Task supervision: a filter select marked data-autosubmit shows its choice at once. */
(function () {
  'use strict';

  function ready() {
    document.querySelectorAll('select[data-autosubmit]').forEach(function (select) {
      select.addEventListener('change', function () {
        if (select.form) select.form.requestSubmit();
      });
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', ready);
  } else {
    ready();
  }
})();
