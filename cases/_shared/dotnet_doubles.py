"""Test doubles for the Windows layer under pywebview's WinForms / EdgeChromium backend.

Shared by the simulated checks of the pywebview cases (``from cases._shared import
dotnet_doubles``). Written for this corpus (simulated evidence, never native). pywebview's own
modules
``webview/platforms/winforms.py`` and ``edgechromium.py`` run unmodified on Linux once
``install()`` has put stand-ins in place of what they import from Windows:

- ``clr`` (pythonnet), ``System.*`` and ``Microsoft.*`` (.NET, WinForms, WebView2 SDK);
- ``winreg`` (reports .NET 4.8 and an installed WebView2 runtime, so EdgeChromium is chosen);
- ``ctypes.windll`` / ``ctypes.WinDLL`` and ``sys.getwindowsversion``;
- the ``platform`` module as seen by ``webview.guilib`` (it reports "Windows"), so that
  ``webview.start()`` picks the WinForms backend.

Only a few of these stand-ins have behaviour; everything else is an inert ``Auto`` object:

- a WinForms message loop (``Application.Run``/``Exit``, ``Control.Invoke``, the
  ``TaskScheduler`` of the UI thread) running on pywebview's own STA ``Thread``;
- ``Form.Show``/``Close`` raising ``Activated``/``Shown`` and ``FormClosing``/``FormClosed``, and a
  closed form disposing its child controls, as WinForms does for a non-modal form;
- ``WebView2``: ``EnsureCoreWebView2Async`` starts a stand-in browser process that, like the
  real runtime, creates (or re-creates) the user data folder it was given and fills it; a
  navigation raises ``NavigationStarting``/``NavigationCompleted``; ``ExecuteScriptAsync``
  runs no JavaScript (there is no browser) and completes with ``null``;
- the user data folder is chosen by the WinForms control's documented rule:
  ``CreationProperties`` (``UserDataFolder``) serve implicit initialization only, i.e.
  ``EnsureCoreWebView2Async(None)`` or setting ``Source``; an explicit environment from
  ``CoreWebView2Environment.CreateAsync(browserExecutableFolder, userDataFolder, options)``
  brings its own folder, and without one the runtime uses its default
  ``<executable>.WebView2`` next to the executable (outside the temp dir: not written here);
- ``System.Diagnostics.Process`` for that browser process: disposing the control ends it.

What the stand-ins assume about Windows, WebView2 and .NET is data: ``assumptions()`` lists
each assumption the configured doubles make, with its source, for ``child.assumption``. Two of
them decide verdicts and have a pessimistic twin, chosen with ``install()``:

- ``browser_exit_after``: seconds between ``Dispose()`` and the browser process's exit (0: at
  once). Until it exits the browser holds its profile files, and ``shutil.rmtree`` behaves as on
  Windows: it deletes in NTFS order (names sorted case-insensitively) and stops at the first
  file another process holds, with the sharing violation (WinError 32);
- ``honour_creation_properties``: the control reads ``CreationProperties.UserDataFolder`` even
  under an explicit environment that brings no folder (the documented rule says it does not).

``EVENTS`` lists what the stand-ins saw, for the evidence. ``HANDOFFS`` lists every user data
folder the code under test gave a modelled API (``CreationProperties.UserDataFolder``,
``CreateAsync``); ``UNMODELLED`` lists every path-like string it gave an inert ``Auto`` (a call
argument or an attribute), so that a reproducer can tell a folder passed through an API these
doubles do not model (a simulation gap) from one that WebView2 itself would ignore.
"""

from __future__ import annotations

import ctypes
import itertools
import os
import platform as _real_platform
import queue
import shutil
import sys
import threading
import types
from typing import Any, Callable, Dict, List, Optional

EVENTS: List[Dict[str, Any]] = []
CONFIG: Dict[str, Any] = {"browser_exit_after": 0.0, "honour_creation_properties": False}
HANDOFFS: List[Dict[str, Any]] = []
UNMODELLED: List[Dict[str, Any]] = []


def _event(kind: str, **data: Any) -> None:
    data["event"] = kind
    EVENTS.append(data)


def _pathlike(value: Any) -> bool:
    return (
        isinstance(value, str)
        and len(value) < 1024
        and "\n" not in value
        and (os.sep in value or "\\" in value)
    )


def _handoff(api: str, folder: Optional[str]) -> None:
    HANDOFFS.append({"api": api, "user_data_folder": folder})


class Auto:
    """Any .NET value whose behaviour does not matter: attributes, calls, events, generics."""

    def __init__(self, name: str = "auto") -> None:
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_handlers", [])

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        value = Auto("%s.%s" % (self._name, name))
        object.__setattr__(self, name, value)
        return value

    def __call__(self, *args: Any, **kwargs: Any) -> "Auto":
        paths = [a for a in list(args) + list(kwargs.values()) if _pathlike(a)]
        if paths:
            UNMODELLED.append({"api": self._name + "()", "paths": paths})
        return Auto(self._name + "()")

    def __setattr__(self, name: str, value: Any) -> None:
        if _pathlike(value):
            UNMODELLED.append({"api": "%s.%s =" % (self._name, name), "paths": [value]})
        object.__setattr__(self, name, value)

    def __iadd__(self, handler: Callable[..., Any]) -> "Auto":  # event += handler
        self._handlers.append(handler)
        return self

    def __isub__(self, handler: Callable[..., Any]) -> "Auto":
        if handler in self._handlers:
            self._handlers.remove(handler)
        return self

    def fire(self, *args: Any) -> None:
        for handler in list(self._handlers):
            handler(*args)

    def __getitem__(self, _: Any) -> "Auto":
        return self

    def __or__(self, _: Any) -> "Auto":
        return self

    __ror__ = __or__

    def __int__(self) -> int:
        return 0

    __index__ = __int__

    def __float__(self) -> float:
        return 0.0

    def __iter__(self) -> Any:
        return iter(())

    def __enter__(self) -> "Auto":
        return self

    def __exit__(self, *_: Any) -> None:
        return None

    def __repr__(self) -> str:
        return "<double %s>" % self._name


class _Net:
    """Base of the stand-ins with behaviour: unknown members are inert ``Auto`` values."""

    def __setattr__(self, name: str, value: Any) -> None:
        # A path stored in a member these stand-ins give no behaviour is noted (see UNMODELLED).
        if (
            _pathlike(value)
            and not name.startswith("_")
            and not isinstance(getattr(type(self), name, None), property)
        ):
            UNMODELLED.append({"api": "%s.%s =" % (type(self).__name__, name), "paths": [value]})
        object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        value = Auto("%s.%s" % (type(self).__name__, name))
        object.__setattr__(self, name, value)
        return value


# --- the message loop of the UI thread ---------------------------------------------------

_QUIT = object()


class _Dispatcher:
    def __init__(self) -> None:
        self.queue: "queue.Queue[Any]" = queue.Queue()
        self.thread: Optional[threading.Thread] = None
        self.ended = False

    def adopt(self) -> None:
        """The first control's thread is the UI thread (WinForms: the creating thread)."""
        if self.thread is None:
            self.thread = threading.current_thread()

    def owns(self) -> bool:
        return self.thread is None or self.thread is threading.current_thread()

    def post(self, func: Callable[[], Any]) -> None:
        if self.ended:
            raise RuntimeError("the message loop has ended")
        self.queue.put(func)

    def invoke(self, func: Callable[..., Any], *args: Any) -> Any:
        if self.owns():
            return func(*args)
        done = threading.Event()
        box: Dict[str, Any] = {}

        def run() -> None:
            try:
                box["result"] = func(*args)
            except BaseException as exc:  # handed back to the calling thread
                box["error"] = exc
            finally:
                done.set()

        run.invocation = done  # type: ignore[attr-defined]
        self.post(run)
        done.wait()
        if "error" in box:
            raise box["error"]
        return box.get("result")

    def run(self) -> None:
        self.thread = threading.current_thread()
        _event("message-loop-started")
        while True:
            func = self.queue.get()
            if func is _QUIT:
                break
            try:
                func()
            except Exception as exc:  # WinForms would show its exception dialog
                _event("ui-exception", error=repr(exc))
                import traceback

                traceback.print_exc()
        self.ended = True
        _event("message-loop-ended")

    def quit(self) -> None:
        self.queue.put(_QUIT)


DISPATCHER = _Dispatcher()


class Application:
    @staticmethod
    def EnableVisualStyles() -> None:
        pass

    @staticmethod
    def SetCompatibleTextRenderingDefault(_: Any) -> None:
        pass

    @staticmethod
    def Run(*_: Any) -> None:
        DISPATCHER.run()

    @staticmethod
    def Exit(*_: Any) -> None:
        _event("application-exit")
        DISPATCHER.quit()


class _Thread:
    """System.Threading.Thread: a Python thread (pywebview runs its STA GUI thread on it)."""

    def __init__(self, start: Callable[[], Any]) -> None:
        self._thread = threading.Thread(target=start, name="double-STA")

    def SetApartmentState(self, _: Any) -> None:
        pass

    def Start(self) -> None:
        self._thread.start()

    def Join(self, timeout_ms: Optional[int] = None) -> bool:
        self._thread.join(None if timeout_ms is None else timeout_ms / 1000.0)
        return not self._thread.is_alive()

    @property
    def IsAlive(self) -> bool:
        return self._thread.is_alive()


class _Delegate:
    """Func[...], Action[...], ThreadStart: a delegate around a Python callable is the callable."""

    def __getitem__(self, _: Any) -> "_Delegate":
        return self

    def __call__(self, func: Callable[..., Any]) -> Callable[..., Any]:
        return func


class _Task:
    def __init__(self, result: Any = None) -> None:
        self.Result = result

    def ContinueWith(self, action: Callable[["_Task"], Any], scheduler: Any = None) -> "_Task":
        if isinstance(scheduler, _UIScheduler):
            DISPATCHER.post(lambda: action(self))
        else:
            threading.Thread(target=action, args=(self,)).start()
        return _Task()


class _UIScheduler:
    pass


class TaskScheduler:
    @staticmethod
    def FromCurrentSynchronizationContext() -> _UIScheduler:
        return _UIScheduler()


# --- controls ----------------------------------------------------------------------------


class _ControlCollection:
    def __init__(self) -> None:
        self.items: List[Any] = []

    def Add(self, control: Any) -> None:
        self.items.append(control)


class Control(_Net):
    def __init__(self) -> None:
        DISPATCHER.adopt()
        self.Controls = _ControlCollection()
        self.IsDisposed = False

    @property
    def InvokeRequired(self) -> bool:
        return not DISPATCHER.owns()

    def Invoke(self, func: Callable[..., Any], *args: Any) -> Any:
        if self.IsDisposed and not DISPATCHER.owns():
            raise RuntimeError("Invoke on a disposed control (ObjectDisposedException)")
        return DISPATCHER.invoke(func, *args)

    def Dispose(self) -> None:
        if self.IsDisposed:
            return
        for child in self.Controls.items:
            if isinstance(child, Control):
                child.Dispose()
        self.IsDisposed = True


class Form(Control):
    ActiveForm = None

    def __init__(self) -> None:
        super().__init__()
        self.Visible = False
        self._shown_once = False

    def Show(self) -> None:
        self.Visible = True
        if not self._shown_once:
            self._shown_once = True
            _event("form-shown")
            DISPATCHER.post(lambda: self.Activated.fire(self, Auto("EventArgs")))
            DISPATCHER.post(lambda: self.Shown.fire(self, Auto("EventArgs")))

    def Hide(self) -> None:
        self.Visible = False

    def Activate(self) -> None:
        pass

    def Close(self) -> None:
        args = Auto("FormClosingEventArgs")
        args.Cancel = False
        self.FormClosing.fire(self, args)
        if args.Cancel:
            return
        self.Visible = False
        self.FormClosed.fire(self, Auto("FormClosedEventArgs"))
        _event("form-closed")
        self.Dispose()  # a closed non-modal form is disposed with its child controls


# --- WebView2 ----------------------------------------------------------------------------

_pids = itertools.count(4711)
_processes: Dict[int, "_BrowserProcess"] = {}

# What a WebView2 runtime writes into a fresh user data folder (a tiny subset of it).
_PROFILE_FILES = (
    ("EBWebView", "Local State"),
    ("EBWebView", "Default", "Preferences"),
    ("EBWebView", "Default", "Network", "Cookies"),
    ("EBWebView", "Default", "Cache", "Cache_Data", "index"),
    ("EBWebView", "Crashpad", "settings.dat"),
)


class _BrowserProcess:
    """Stands in for msedgewebview2.exe: owns the user data folder while it runs."""

    def __init__(self, user_data_folder: Optional[str]) -> None:
        self.Id = next(_pids)
        self.user_data_folder = user_data_folder
        self._exited = threading.Event()
        self._exiting = False
        _processes[self.Id] = self
        if user_data_folder is None:
            # The real runtime then uses "<exe name>.WebView2" next to the executable:
            # outside the temp dir, and not written by this stand-in.
            _event("browser-started", pid=self.Id, user_data_folder=None)
            return
        existed = os.path.isdir(user_data_folder)
        for parts in _PROFILE_FILES:
            path = os.path.join(user_data_folder, *parts)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as out:
                out.write("{}\n")
        _event(
            "browser-started",
            pid=self.Id,
            user_data_folder=user_data_folder,
            folder_existed_before=existed,
            files_written=len(_PROFILE_FILES),
        )

    @property
    def HasExited(self) -> bool:
        return self._exited.is_set()

    def exit(self) -> None:
        """The control was disposed: the process ends now, or ``browser_exit_after`` s later."""
        if self._exiting:
            return
        self._exiting = True
        delay = float(CONFIG["browser_exit_after"])
        _event("browser-exit-requested", pid=self.Id, exits_after_s=delay)
        if delay <= 0:
            self._exit_now()
            return
        timer = threading.Timer(delay, self._exit_now)
        timer.daemon = True
        timer.start()

    def _exit_now(self) -> None:
        self._exited.set()
        _event("browser-exited", pid=self.Id)

    def WaitForExit(self, timeout_ms: int = -1) -> bool:
        exited = self._exited.wait(None if timeout_ms < 0 else timeout_ms / 1000.0)
        _event("wait-for-exit", pid=self.Id, timeout_ms=timeout_ms, exited=exited)
        return exited

    def holds(self, path: str) -> bool:
        """Whether this running process holds ``path`` open (its profile files)."""
        if self.HasExited or self.user_data_folder is None:
            return False
        profile = os.path.realpath(os.path.join(self.user_data_folder, "EBWebView"))
        return os.path.realpath(path).startswith(profile + os.sep)


class Process:
    @staticmethod
    def GetProcessById(pid: int) -> _BrowserProcess:
        return _processes[int(pid)]


class Convert:
    @staticmethod
    def ToInt32(value: Any) -> int:
        return int(value)


class Uri(str):
    pass


class Environment:
    """System.Environment: special folders under the temp dir (named so that no "tmp*" glob
    matches them; pywebview only creates one when private mode is off)."""

    SpecialFolder = Auto("Environment.SpecialFolder")

    @staticmethod
    def GetFolderPath(folder: Any) -> str:
        import tempfile

        return os.path.join(
            tempfile.gettempdir(), "Windows-" + str(folder).split(".")[-1].rstrip(">")
        )


class CoreWebView2CreationProperties(_Net):
    def __init__(self) -> None:
        self._user_data_folder: Optional[str] = None
        self.AdditionalBrowserArguments: Optional[str] = None
        self.BrowserExecutableFolder: Optional[str] = None
        self.IsInPrivateModeEnabled: Optional[bool] = None

    @property
    def UserDataFolder(self) -> Optional[str]:
        return self._user_data_folder

    @UserDataFolder.setter
    def UserDataFolder(self, value: Optional[str]) -> None:
        _handoff("CoreWebView2CreationProperties.UserDataFolder", value)
        self._user_data_folder = value

    def set_IsInPrivateModeEnabled(self, value: bool) -> None:
        self.IsInPrivateModeEnabled = value


class _Environment(_Net):
    def __init__(self, user_data_folder: Optional[str]) -> None:
        object.__setattr__(self, "UserDataFolder", user_data_folder)  # handed off in CreateAsync


class CoreWebView2Environment:
    @staticmethod
    def CreateAsync(
        browserExecutableFolder: Optional[str] = None,
        userDataFolder: Optional[str] = None,
        options: Any = None,
    ) -> _Task:
        _handoff("CoreWebView2Environment.CreateAsync(userDataFolder)", userDataFolder)
        return _Task(_Environment(userDataFolder))


class CoreWebView2(_Net):
    def __init__(self, host: "WebView2", process: _BrowserProcess) -> None:
        self._host = host
        self.BrowserProcessId = process.Id

    def NavigateToString(self, html: str) -> None:
        self._host._navigate("about:blank")

    def Navigate(self, url: str) -> None:
        self._host._navigate(str(url))


class WebView2(Control):
    def __init__(self) -> None:
        super().__init__()
        self.CreationProperties: Optional[CoreWebView2CreationProperties] = None
        self.CoreWebView2: Optional[CoreWebView2] = None
        self._process: Optional[_BrowserProcess] = None
        self._starting = False
        self._source = "about:blank"

    @property
    def Source(self) -> Uri:
        return Uri(self._source)

    @Source.setter
    def Source(self, value: Any) -> None:
        self.EnsureCoreWebView2Async(None)
        self._navigate(str(value))

    def EnsureCoreWebView2Async(self, environment: Any = None, *_: Any) -> _Task:
        if self.CoreWebView2 is None and not self._starting:
            self._starting = True
            props = self.CreationProperties
            props_folder = props.UserDataFolder if props is not None else None
            if environment is not None:
                # Explicit initialization: the environment's folder is used; CreationProperties
                # serve implicit initialization only, so their UserDataFolder is not consulted.
                folder = environment.UserDataFolder
                choice = {"initialization": "explicit environment", "user_data_folder": folder}
                honour = CONFIG["honour_creation_properties"]
                if folder is None and props_folder is not None and honour:
                    folder = props_folder  # the pessimistic twin of the documented rule
                    choice.update(user_data_folder=folder, twin="CreationProperties honoured")
                elif props_folder is not None and props_folder != folder:
                    choice["creation_properties_folder_ignored"] = props_folder
            else:
                folder = props_folder
                choice = {
                    "initialization": "implicit (CreationProperties)",
                    "user_data_folder": folder,
                }
            if folder is None:
                choice["runtime_default"] = (
                    "<executable>.WebView2 next to the executable (not written)"
                )
            DISPATCHER.post(lambda: self._start_browser(folder, choice))
        return _Task()

    def _start_browser(self, folder: Optional[str], choice: Dict[str, Any]) -> None:
        if self.IsDisposed:
            return
        _event("user-data-folder-chosen", **choice)
        self._process = _BrowserProcess(folder)
        self.CoreWebView2 = CoreWebView2(self, self._process)
        args = Auto("CoreWebView2InitializationCompletedEventArgs")
        args.IsSuccess = True
        self.CoreWebView2InitializationCompleted.fire(self, args)

    def _navigate(self, url: str) -> None:
        def navigate() -> None:
            if self.IsDisposed or self.CoreWebView2 is None:
                return
            self.NavigationStarting.fire(self, Auto("NavigationStartingEventArgs"))
            self._source = url
            self.CoreWebView2.SourceChanged.fire(self, Auto("SourceChangedEventArgs"))
            args = Auto("NavigationCompletedEventArgs")
            args.IsSuccess = True
            _event("navigation-completed", url=url)
            self.NavigationCompleted.fire(self, args)

        DISPATCHER.post(navigate)

    def ExecuteScriptAsync(self, script: str) -> _Task:
        _event("execute-script", chars=len(script))
        return _Task("null")  # no browser: nothing runs, the result is JSON null

    def Dispose(self) -> None:
        if not self.IsDisposed and self._process is not None:
            self._process.exit()  # closing the controller ends the browser process
        super().Dispose()


# --- Windows file semantics ----------------------------------------------------------------

_real_rmtree = shutil.rmtree
SHARING_VIOLATION = (
    "[WinError 32] The process cannot access the file because it is being used by another process"
)


def _held(path: str) -> bool:
    return any(process.holds(path) for process in _processes.values())


def windows_rmtree(
    path: Any, ignore_errors: bool = False, onerror: Any = None, **kwargs: Any
) -> None:
    """``shutil.rmtree`` as on Windows while a browser process holds files in ``path``: entries
    in NTFS order (case-insensitive), a held file cannot be deleted, and the walk stops at the
    first error unless errors are ignored or handled. Without held files: the real rmtree."""
    path = os.fspath(path)
    files = [os.path.join(root, name) for root, _, names in os.walk(path) for name in names]
    if not any(_held(name) for name in files):
        _real_rmtree(path, ignore_errors, onerror, **kwargs)
        return
    handler = kwargs.get("onexc") or onerror

    def fail(func: Callable[..., Any], target: str, exc: OSError) -> None:
        _event("rmtree-failed", path=target, error=str(exc))
        if ignore_errors:
            return
        if handler is None:
            raise exc
        handler(func, target, exc if "onexc" in kwargs else (type(exc), exc, None))

    def remove(folder: str) -> None:
        for name in sorted(os.listdir(folder), key=str.upper):
            entry = os.path.join(folder, name)
            if os.path.isdir(entry) and not os.path.islink(entry):
                remove(entry)
            elif _held(entry):
                fail(os.unlink, entry, PermissionError(13, SHARING_VIOLATION, entry))
            else:
                os.unlink(entry)
        try:
            os.rmdir(folder)
        except OSError as exc:
            fail(os.rmdir, folder, exc)

    _event("rmtree-with-held-files", path=path)
    remove(path)


# --- Windows outside .NET ----------------------------------------------------------------


class _WinFunction:
    def __init__(self, name: str, result: Any) -> None:
        self.__name__ = name
        self.result = result
        self.argtypes: Any = None
        self.restype: Any = None

    def __call__(self, *_: Any) -> Any:
        return self.result


_WIN_RESULTS = {
    "GetScaleFactorForDevice": 100,  # percent
    "GetDpiForWindow": 96,
    "ExtractIconW": 0,  # no icon: pywebview skips Icon.FromHandle
    "SetProcessDPIAware": 1,
}


class _WinDLL:
    def __init__(self, name: str, *_: Any, **__: Any) -> None:
        self._name = name

    def __getattr__(self, name: str) -> _WinFunction:
        if name.startswith("__"):
            raise AttributeError(name)
        func = _WinFunction(name, _WIN_RESULTS.get(name, 0))
        setattr(self, name, func)
        return func


class _WinDLLLoader:
    def __getattr__(self, name: str) -> _WinDLL:
        if name.startswith("__"):
            raise AttributeError(name)
        dll = _WinDLL(name)
        setattr(self, name, dll)
        return dll


class _RegKey:
    def __init__(self, path: str) -> None:
        self.path = path

    def __enter__(self) -> "_RegKey":
        return self

    def __exit__(self, *_: Any) -> None:
        return None


def _winreg() -> types.ModuleType:
    reg = types.ModuleType("winreg")
    reg.HKEY_CURRENT_USER, reg.HKEY_LOCAL_MACHINE = 0x80000001, 0x80000002
    reg.KEY_READ, reg.KEY_ALL_ACCESS, reg.REG_DWORD = 0x20019, 0xF003F, 4
    values = {
        ("NDP\\v4\\Full", "Release"): (533320, 4),  # .NET Framework 4.8.1
        ("{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}", "pv"): ("131.0.2903.70", 1),  # WebView2 runtime
        ("Personalize", "AppsUseLightTheme"): (1, 4),
    }

    def open_key(_root: Any, path: str, *_: Any) -> _RegKey:
        return _RegKey(path)

    def query_value_ex(key: _RegKey, name: str) -> Any:
        for (suffix, value_name), value in values.items():
            if key.path.endswith(suffix) and name == value_name:
                return value
        raise FileNotFoundError(key.path + "\\" + name)

    reg.OpenKey = reg.CreateKeyEx = open_key
    reg.QueryValueEx = query_value_ex
    reg.CloseKey = lambda key: None
    reg.SetValueEx = lambda *args: None
    return reg


class _WindowsVersion(tuple):
    major = property(lambda self: self[0])
    minor = property(lambda self: self[1])
    build = property(lambda self: self[2])


class _PlatformAsWindows(types.ModuleType):
    """What webview.guilib sees as ``platform``: the real module, except system() == 'Windows'."""

    def __getattr__(self, name: str) -> Any:
        return getattr(_real_platform, name)

    @staticmethod
    def system() -> str:
        return "Windows"


class _Module(types.ModuleType):
    """A .NET namespace: the names given, anything else is an inert ``Auto``."""

    def __init__(self, name: str, **names: Any) -> None:
        super().__init__(name)
        self.__path__: List[str] = []
        self.__dict__.update(names)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        value = Auto("%s.%s" % (self.__name__, name))
        setattr(self, name, value)
        return value


DOCS = "https://learn.microsoft.com/en-us/"
SOURCES = {
    "creation_properties": DOCS
    + "dotnet/api/microsoft.web.webview2.winforms.corewebview2creationproperties",
    "user_data_folder": DOCS + "microsoft-edge/webview2/concepts/user-data-folder",
    "browser_exited": DOCS
    + "dotnet/api/microsoft.web.webview2.core.corewebview2environment.browserprocessexited",
    "form_close": DOCS + "dotnet/api/system.windows.forms.form.close",
    "find_first_file": DOCS + "windows/win32/api/fileapi/nf-fileapi-findfirstfilea",
}


def assumptions() -> List[tuple]:
    """(name, assumed, source) for each assumption the configured doubles make about Windows,
    .NET and WebView2; for ``child.assumption``."""
    exit_after = float(CONFIG["browser_exit_after"])
    if exit_after > 0:
        exit_text = (
            "pessimistic twin: the browser process exits %g s after Dispose() and holds "
            "its profile files until then (pywebview 5.4+ waits 3 s before rmtree)" % exit_after
        )
    else:
        exit_text = "the browser process exits at once when the WebView2 control is disposed"
    if CONFIG["honour_creation_properties"]:
        rule = (
            "pessimistic twin: CreationProperties.UserDataFolder is used even when the control "
            "is initialised with an explicit environment that names no folder"
        )
    else:
        rule = (
            "CreationProperties serve implicit initialisation only (EnsureCoreWebView2Async(None) "
            "or Source); an explicit environment from CoreWebView2Environment.CreateAsync brings "
            "its own folder, and none means <executable>.WebView2 next to the executable"
        )
    return [
        (
            "edgechromium-chosen",
            "the registry reports .NET 4.8.1 and an installed WebView2 runtime, "
            "so pywebview picks EdgeChromium",
            "pywebview webview/platforms/winforms.py at the tag "
            "(is_chromium and its .NET / WebView2 registry checks)",
        ),
        ("user-data-folder-rule", rule, SOURCES["creation_properties"]),
        (
            "runtime-fills-folder",
            "the runtime creates the user data folder it is given (again, if "
            "deleted) and writes its profile under EBWebView",
            SOURCES["user_data_folder"],
        ),
        (
            "browser-exit-after-dispose",
            exit_text,
            SOURCES["browser_exited"] + " (raised after the "
            "user data folder is released); MicrosoftEdge/WebView2Feedback#4628 (a browser process "
            "that does not end after Dispose)",
        ),
        (
            "held-files",
            "a file a running browser process holds cannot be deleted (sharing "
            "violation) and shutil.rmtree stops at the first one; NTFS lists names alphabetically",
            SOURCES["find_first_file"] + "; r0x0r/pywebview#1688 (rmtree stopped at a locked file)",
        ),
        (
            "form-close-disposes",
            "a closed non-modal Form is disposed with its child controls",
            SOURCES["form_close"],
        ),
    ]


def install(browser_exit_after: float = 0.0, honour_creation_properties: bool = False) -> None:
    """Put the stand-ins in place (before ``webview.start()`` loads the Windows modules); the
    arguments choose the pessimistic twins (see the module docstring)."""
    CONFIG.update(
        browser_exit_after=browser_exit_after, honour_creation_properties=honour_creation_properties
    )
    shutil.rmtree = windows_rmtree  # type: ignore[assignment]
    # Standard modules that look for winreg / sys.getwindowsversion when first imported
    # (mimetypes, ntpath, pathlib) must see Linux: import them, and webview, first.
    import importlib.metadata  # noqa: F401
    import mimetypes  # noqa: F401
    import pathlib  # noqa: F401

    import webview.guilib  # noqa: F401

    delegate = _Delegate()
    clr = types.ModuleType("clr")
    references: List[str] = []
    clr.AddReference = references.append  # type: ignore[attr-defined]
    clr.references = references  # type: ignore[attr-defined]
    winforms = _Module("System.Windows.Forms", Application=Application, Form=Form, Control=Control)
    modules = {
        "clr": clr,
        "winreg": _winreg(),
        "System": _Module(
            "System",
            Func=delegate,
            Action=delegate,
            Convert=Convert,
            Uri=Uri,
            Environment=Environment,
            String=str,
            Object=object,
            Type=object,
        ),
        "System.Windows": _Module("System.Windows", Forms=winforms),
        "System.Windows.Forms": winforms,
        "System.Drawing": _Module("System.Drawing"),
        "System.Threading": _Module("System.Threading", Thread=_Thread, ThreadStart=delegate),
        "System.Threading.Tasks": _Module(
            "System.Threading.Tasks", Task=delegate, TaskScheduler=TaskScheduler
        ),
        "System.Reflection": _Module("System.Reflection"),
        "System.Collections": _Module("System.Collections"),
        "System.Collections.Generic": _Module("System.Collections.Generic", List=delegate),
        "System.Globalization": _Module("System.Globalization"),
        "System.Diagnostics": _Module("System.Diagnostics", Process=Process),
        "Microsoft": _Module("Microsoft"),
        "Microsoft.Win32": _Module("Microsoft.Win32"),
        "Microsoft.Web": _Module("Microsoft.Web"),
        "Microsoft.Web.WebView2": _Module("Microsoft.Web.WebView2"),
        "Microsoft.Web.WebView2.Core": _Module(
            "Microsoft.Web.WebView2.Core",
            CoreWebView2Environment=CoreWebView2Environment,
        ),
        "Microsoft.Web.WebView2.WinForms": _Module(
            "Microsoft.Web.WebView2.WinForms",
            WebView2=WebView2,
            CoreWebView2CreationProperties=CoreWebView2CreationProperties,
        ),
    }
    for name, module in modules.items():
        sys.modules[name] = module
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(modules[parent], child, module)

    ctypes.windll = _WinDLLLoader()  # type: ignore[attr-defined]
    ctypes.WinDLL = _WinDLL  # type: ignore[attr-defined]
    sys.getwindowsversion = lambda: _WindowsVersion((10, 0, 19045, 2, ""))  # type: ignore[attr-defined]
    os.environ.setdefault("Path", os.environ.get("PATH", ""))  # edgechromium appends to it

    # (``webview.guilib`` the attribute is shadowed by a variable of that name in webview)
    sys.modules["webview.guilib"].platform = _PlatformAsWindows("platform")  # type: ignore[attr-defined]
