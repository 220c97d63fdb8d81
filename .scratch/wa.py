W = {
"nicegui-4109": ("Call release(objects) from fixes/nicegui-4109/workaround.py when the app is done with objects that own bindable properties: it drops their entries from the registry.",
 "A dictionary lookup per bindable property of each released object; objects the app forgets to release still leak, and objects tied by binding.bind need binding.remove as well. A no-op from 2.11.1."),
"nicegui-4131": ("Register release_multiprocessing_resources() from fixes/nicegui-4131/workaround.py as the last app.on_shutdown handler: it runs the multiprocessing finalizers a normal exit would run before the worker dies.",
 "Uses the private CPython function multiprocessing.util._run_finalizers; no queue or process may be used after it; it needs a graceful shutdown and cannot reach run.cpu_bound's worker processes (upgrade to 2.16.0 for those)."),
"nicegui-4592": ("Track the app's persistent dicts and install the synchronous shutdown flush of fixes/nicegui-4592/workaround.py; in tests call before_reset(app) before app.reset().",
 "One synchronous write per tracked dict at reset and at shutdown; it relies on two private names renamed in 2.16.0 (do not use it there), and only tracked dicts are protected."),
"nicegui-bind-registry": ("Call binding.remove([obj]) (release / release_with_client in fixes/nicegui-bind-registry/workaround.py) when the objects bound with binding.bind are done with, e.g. from client.on_delete.",
 "One binding.remove per call, which scans every binding before 3.15.0; objects the app forgets to release still leak."),
"nicegui-leaflet-layer-links": ("Remove layers with remove_layer / clear_layers from fixes/nicegui-leaflet-layer-links/workaround.py instead of the map's own methods: they also remove the dropped layers' bindings.",
 "One binding.remove per call, proportional to all the app's bindings before 3.15.0; layers removed through the map's own methods elsewhere still leak, and a re-added layer must be bound again."),
"pywebview-1554": ("Start with workaround.start(...) from fixes/pywebview-1554/workaround.py: in private mode it passes a mkdtemp folder as storage_path and deletes it, retrying for 5 s, when webview.start() returns.",
 "WebView2 works on disk in that folder during the run; a killed process leaves it; on 5.2 the runtime ignores it; never combine an app's own storage_path with private mode on 5.4+ (pywebview-1688). Shown in simulation only."),
"pywebview-1688": ("Start with private_mode=False whenever a storage_path is given (workaround.start(...) in fixes/pywebview-1688/workaround.py does it).",
 "Without private mode WebView2 keeps cookies, local storage and cache in the folder between runs; an app that needs a private session must clear cookies itself. Shown in simulation and on Qt only, never on Windows."),
"pywebview-ssl-generated-key-left": ("Start with http_server=True whenever ssl=True (workaround.start(...) in fixes/pywebview-ssl-generated-key-left/workaround.py): pywebview's server then loads the generated key and deletes it.",
 "One idle HTTPS server thread on 127.0.0.1 for the app's lifetime; with private_mode=False it takes the fixed default port 42001, so two such apps collide."),
"pywebview-ssl-user-key-deleted": ("Pass copies of the key and certificate (workaround.start(...) in fixes/pywebview-ssl-user-key-deleted/workaround.py copies them into a private temp folder and removes it afterwards).",
 "The key exists twice on disk during the run; a killed process leaves the copies in the temp dir."),
"werkzeug-2634": ("Stop the server with SIGINT to its process group instead of SIGTERM (stop(server_pid) in fixes/werkzeug-2634/workaround.py; docker STOPSIGNAL SIGINT, systemd KillSignal=SIGINT).",
 "The reloader still kills the app process 0.25 s after SIGINT, so a longer shutdown is still cut short."),
"werkzeug-3039": ("Set response.direct_passthrough = False (keep_close_callbacks in fixes/werkzeug-3039/workaround.py, e.g. as an after_request hook) so the server's close() runs the call_on_close callbacks.",
 "Servers that use sendfile on their own wsgi.file_wrapper (gunicorn, waitress, uWSGI) read the file through Python in chunks instead; the body is still streamed, not buffered."),
"werkzeug-adhoc-ssl-key-left": ("Pass ssl_context() from fixes/werkzeug-adhoc-ssl-key-left/workaround.py instead of \"adhoc\": the context is loaded from files removed before the server starts.",
 "None at run time; flask run --cert=adhoc cannot take it (use --cert/--key with files you keep)."),
"werkzeug-testclient-spooled-upload": ("Call close_upload_on_close(response) from fixes/werkzeug-testclient-spooled-upload/workaround.py on each test-client response (or in a Client subclass's open) so closing the response closes the upload body.",
 "None; follow_redirects=True also closes the body but hands the test the last response of a redirect chain."),
}
import json
for case,(summary,cost) in W.items():
    p=f'cases/{case}/case.toml'; s=open(p).read()
    table=f'[workaround]\nfile = "workaround.py"\nsummary = {json.dumps(summary)}\ncost = {json.dumps(cost)}\n\n'
    i=s.index('[[expect]]')
    # keep a comment line that introduces the expect section attached to it
    j=s.rfind('\n\n',0,i)+2 if s[s.rfind('\n',0,i-1)+1:i].startswith('#') else i
    s=s[:j]+table+s[j:]
    if case in ('pywebview-1554','pywebview-1688'):
        s=s.replace('evidence = "simulated"\n','evidence = "simulated"\nassumptions = "cases/_shared/dotnet_doubles.py"\n')
    open(p,'w').write(s)
