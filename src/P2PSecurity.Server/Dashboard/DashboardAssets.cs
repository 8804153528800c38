using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace P2PSecurity.Server.Dashboard;

/// <summary>The stylesheet and the events page's script: small, in the binary, no build step, no inline script.</summary>
internal static class DashboardAssets
{
    private const string Css = """
        body{font-family:system-ui,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
        header{display:flex;gap:1.5em;align-items:center;padding:.6em 1.2em;background:#1d2430;color:#fff}
        header nav a{color:#cfd6e2;margin-right:1em;text-decoration:none}header nav a.current{color:#fff;font-weight:600}
        header form{margin-left:auto}main{padding:1em 1.5em;max-width:1400px}
        table{border-collapse:collapse;background:#fff;margin:.5em 0}td,th{border:1px solid #d8dde6;padding:.3em .6em;text-align:left;font-size:.9em}
        td.key{font-family:ui-monospace,monospace;font-size:.8em}.inline{display:inline;margin-right:.3em}
        .message{background:#e8f3ea;border:1px solid #9ccaa5;padding:.5em}.error{background:#fbe9e9;border:1px solid #e0a3a3;padding:.5em}
        body.login main{max-width:28em;margin:4em auto;background:#fff;padding:2em;border:1px solid #d8dde6}
        input{padding:.3em;margin-right:.3em}button{padding:.3em .8em}
        table.file td{border:none;padding:0 .6em}table.file td.ln{color:#8a94a6;text-align:right;user-select:none}
        figure{margin:.5em 0}figcaption{font-size:.9em;color:#4a5468}tr.error td{background:#fbe9e9}tr.warning td{background:#fff6e0}textarea{font-family:ui-monospace,monospace;width:100%}
        """;

    // The new key stays in the browser's field: the preview sends it to the JSON API (same origin, antiforgery
    // header) and shows the answer, which holds fingerprints only. No page ever carries the key back.
    private const string NetworkKeyJs = """
        (function () {
          var button = document.getElementById('preview-key');
          var out = document.getElementById('key-preview');
          var csrf = document.querySelector('meta[name=csrf-token]').content;
          function line(text, cls) { var p = document.createElement('p'); p.textContent = text; if (cls) { p.className = cls; } out.appendChild(p); return p; }
          button.addEventListener('click', function () {
            out.textContent = '';
            var key = document.getElementById('new-key').value;
            if (key !== document.getElementById('confirm-key').value) { line('the two keys typed differ', 'error'); return; }
            fetch('/api/v1/network-key?preview=true', {
              method: 'POST', credentials: 'same-origin',
              headers: { 'content-type': 'application/json', 'X-CSRF-TOKEN': csrf },
              body: JSON.stringify({ key: key, keep_previous: document.getElementById('keep-previous').checked })
            }).then(function (r) { return r.json(); }).then(function (a) {
              if (a.error) { line(a.error.message, 'error').id = 'key-preview-error'; return; }
              var p = a.preview;
              line((p.valid ? 'valid' : 'INVALID') + '; this would close ' + p.sessions_would_close + ' session(s)', p.valid ? 'message' : 'error').id = 'key-preview-summary';
              (p.changes || []).forEach(function (c) { line(c); });
              (p.would_refuse || []).forEach(function (w) { line('closes ' + w.address + ' ' + (w.node_key || '') + ': ' + w.description); });
              (p.diagnostics || []).forEach(function (d) { line(d.severity + ': ' + d.message, d.severity === 'error' ? 'error' : null); });
            }, function () { line('the preview failed: is the server up?', 'error'); });
          });
        })();
        """;

    private const string EventsJs = """
        (function () {
          var body = document.querySelector('#events tbody');
          var state = document.getElementById('stream-state');
          var filter = document.getElementById('filter');
          // One box per column the issue names (event, reason, address, key), and one over the whole row.
          var columns = { 'filter-event': 2, 'filter-address': 3, 'filter-key': 4, 'filter-reason': 5 };
          var max = 500;
          function has(text, f) { return f === '' || text.toLowerCase().indexOf(f) >= 0; }
          function visible(tr) {
            var show = has(tr.textContent, filter.value.trim().toLowerCase());
            Object.keys(columns).forEach(function (id) {
              var cell = tr.cells[columns[id]];
              show = show && has(cell ? cell.textContent : '', document.getElementById(id).value.trim().toLowerCase());
            });
            tr.hidden = !show;
          }
          function row(cells, cls) {
            var tr = document.createElement('tr');
            if (cls) { tr.className = cls; }
            cells.forEach(function (c) { var td = document.createElement('td'); td.textContent = c == null ? '' : String(c); tr.appendChild(td); });
            body.insertBefore(tr, body.firstChild);
            while (body.rows.length > max) { body.deleteRow(body.rows.length - 1); }
            visible(tr);
          }
          function refilter() { Array.prototype.forEach.call(body.rows, visible); }
          filter.addEventListener('input', refilter);
          Object.keys(columns).forEach(function (id) { document.getElementById(id).addEventListener('input', refilter); });
          var source = new EventSource('/api/v1/events');
          source.addEventListener('ready', function () { state.textContent = 'live'; });
          source.addEventListener('security', function (m) {
            var e = JSON.parse(m.data);
            row([e.id, new Date(e.at).toLocaleTimeString(), e.event, e.remote, e.node, e.reason, e.message]);
          });
          source.addEventListener('gap', function (m) {
            var missed = JSON.parse(m.data).missed;
            row(['', '', 'gap', '', '', '', missed < 0 ? 'the server restarted: events from before the restart are gone' : missed + ' events were missed while disconnected'], 'gap');
          });
          source.addEventListener('dropped', function (m) { row(['', '', 'dropped', '', '', '', JSON.parse(m.data).dropped + ' events dropped: this browser was too slow'], 'gap'); });
          source.onerror = function () { state.textContent = 'reconnecting…'; };
        })();
        """;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/assets/dashboard.css", () => Results.Text(Css, "text/css")).AllowAnonymous();
        app.MapGet("/assets/events.js", () => Results.Text(EventsJs, "text/javascript")).AllowAnonymous();
        app.MapGet("/assets/network-key.js", () => Results.Text(NetworkKeyJs, "text/javascript")).AllowAnonymous();
    }
}
