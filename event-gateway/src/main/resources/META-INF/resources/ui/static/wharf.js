/* Wharf's web UI: uploads with progress, a log that follows a running execution, confirmations. No framework. */
(function () {
  'use strict';

  function upload(zone, files) {
    var url = zone.getAttribute('data-upload-url');
    var token = zone.getAttribute('data-csrf');
    var list = zone.querySelector('.uploads');
    var status = zone.querySelector('.upload-status');
    var pending = files.length;
    if (pending === 0) {
      return;
    }
    zone.setAttribute('data-busy', 'true');
    status.textContent = 'Uploading ' + pending + ' file(s)...';
    files.forEach(function (file) {
      var item = document.createElement('li');
      var name = document.createElement('span');
      var bar = document.createElement('progress');
      var state = document.createElement('span');
      name.textContent = file.name;
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute('aria-label', 'Upload of ' + file.name);
      state.className = 'state';
      state.textContent = 'uploading';
      item.appendChild(name);
      item.appendChild(bar);
      item.appendChild(state);
      list.appendChild(item);
      var xhr = new XMLHttpRequest();
      xhr.open('PUT', url + encodeURIComponent(file.name));
      xhr.setRequestHeader('X-CSRF-Token', token);
      xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
      xhr.upload.addEventListener('progress', function (e) {
        if (e.lengthComputable) {
          bar.value = Math.round(100 * e.loaded / e.total);
        }
      });
      xhr.addEventListener('load', function () {
        var ok = xhr.status >= 200 && xhr.status < 300;
        if (ok) {
          bar.value = 100;
        }
        item.className = ok ? 'done' : 'failed';
        state.textContent = ok ? 'uploaded' : 'failed (HTTP ' + xhr.status + ')';
        finished();
      });
      xhr.addEventListener('error', function () {
        item.className = 'failed';
        state.textContent = 'failed (network)';
        finished();
      });
      xhr.send(file);
    });

    function finished() {
      pending -= 1;
      if (pending === 0) {
        var done = list.querySelectorAll('li.done').length;
        var failed = list.querySelectorAll('li.failed').length;
        zone.removeAttribute('data-busy');
        status.textContent = done + ' uploaded' + (failed ? ', ' + failed + ' failed' : '') +
          '. Each file starts one execution.';
      }
    }
  }

  document.querySelectorAll('[data-upload-url]').forEach(function (zone) {
    var input = zone.querySelector('input[type=file]');
    var drop = zone.querySelector('.drop');
    input.addEventListener('change', function () {
      var files = Array.prototype.slice.call(input.files);
      input.value = '';
      upload(zone, files);
    });
    ['dragenter', 'dragover'].forEach(function (type) {
      drop.addEventListener(type, function (e) {
        e.preventDefault();
        drop.classList.add('over');
      });
    });
    ['dragleave', 'drop'].forEach(function (type) {
      drop.addEventListener(type, function (e) {
        e.preventDefault();
        drop.classList.remove('over');
      });
    });
    drop.addEventListener('drop', function (e) {
      upload(zone, Array.prototype.slice.call(e.dataTransfer.files));
    });
  });

  document.querySelectorAll('[data-live-log]').forEach(function (log) {
    if (log.getAttribute('data-finished') === 'true') {
      return;
    }
    var url = log.getAttribute('data-live-log');
    var badge = document.querySelector('[data-state]');
    var timer = window.setInterval(function () {
      fetch(url, {credentials: 'same-origin', headers: {'Accept': 'text/plain'}}).then(function (response) {
        var type = response.headers.get('Content-Type') || '';
        if (response.redirected || type.indexOf('text/plain') !== 0) {
          // the session ended (the login page answered): stop asking, and say so rather than show that page
          window.clearInterval(timer);
          log.setAttribute('data-finished', 'true');
          if (badge) {
            badge.textContent = 'log in again to follow';
          }
          return;
        }
        var state = (response.headers.get('Wharf-Execution-State') || '').toLowerCase();
        return response.text().then(function (text) {
          var atEnd = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
          log.textContent = text;
          if (atEnd) {
            log.scrollTop = log.scrollHeight;
          }
          if (badge && state) {
            badge.textContent = state;
            badge.className = 'status ' + state;
          }
          if (state === 'succeeded' || state === 'failed' || state === 'removed' || !response.ok) {
            window.clearInterval(timer);
            log.setAttribute('data-finished', 'true');
          }
        });
      });
    }, 2000);
  });

  // a refused form: the summary of what to fix gets the focus, so that it is read first and each link leads to its field
  var refused = document.getElementById('form-errors');
  if (refused) {
    refused.focus();
  }

  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      if (!window.confirm(form.getAttribute('data-confirm'))) {
        e.preventDefault();
      }
    });
  });
}());
