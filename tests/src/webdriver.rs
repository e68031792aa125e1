//! Just enough of the W3C WebDriver protocol to drive the real app through
//! tauri-driver (which forwards to WebKitWebDriver), over a virtual X display.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Why the end-to-end tests cannot run here, if they cannot. Under CI they must.
pub fn missing_tools() -> Option<String> {
    let driver = tauri_driver_path();
    if !driver.exists() {
        return Some(format!("tauri-driver not found at {}", driver.display()));
    }
    for tool in ["WebKitWebDriver", "Xvfb", "import"] {
        if which(tool).is_none() {
            return Some(format!("{tool} not installed"));
        }
    }
    None
}

fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(tool))
        .find(|p| p.exists())
}

fn tauri_driver_path() -> PathBuf {
    if let Some(p) = which("tauri-driver") {
        return p;
    }
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    Path::new(&home).join(".cargo/bin/tauri-driver")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(4444)
}

/// A virtual display for the app's window.
pub struct Xvfb {
    child: Child,
    pub display: String,
}

impl Xvfb {
    /// Starts Xvfb on a display it picks itself (`-displayfd`), so stale lock files or a
    /// display already in use never collide, and returns once it is ready.
    pub fn start() -> Xvfb {
        use std::io::BufRead;
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb");
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            let _ = std::io::BufReader::new(out).read_line(&mut line);
        }
        let n: u32 = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("Xvfb did not report a display: {line:?}"));
        Xvfb {
            child,
            display: format!(":{n}"),
        }
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// tauri-driver with the environment the app under test inherits.
pub struct TauriDriver {
    child: Child,
    pub url: String,
}

impl TauriDriver {
    pub fn start(display: &str, env: &[(&str, &str)]) -> TauriDriver {
        let port = free_port();
        let native = free_port();
        let mut cmd = Command::new(tauri_driver_path());
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native.to_string(),
        ])
        .env("DISPLAY", display)
        .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("start tauri-driver");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not listen");
            std::thread::sleep(Duration::from_millis(100));
        }
        TauriDriver { child, url }
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        // tauri-driver, and what it started: WebKitWebDriver, the app, its web processes.
        for pid in descendants(self.child.id()) {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every process below `root` (children first found, grandchildren after), by /proc.
pub fn descendants(root: u32) -> Vec<u32> {
    let mut parent: Vec<(u32, u32)> = Vec::new();
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for e in dir.flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            let Some((_, rest)) = stat.rsplit_once(')') else {
                continue;
            };
            let ppid = rest
                .split_whitespace()
                .nth(1)
                .and_then(|x| x.parse().ok())
                .unwrap_or(0);
            parent.push((pid, ppid));
        }
    }
    let mut out = Vec::new();
    let mut frontier = vec![root];
    while let Some(p) = frontier.pop() {
        for (c, _) in parent.iter().filter(|(_, pp)| *pp == p) {
            if *c > 1 && !out.contains(c) {
                out.push(*c);
                frontier.push(*c);
            }
        }
    }
    out
}

pub struct Session {
    http: reqwest::Client,
    base: String,
}

#[derive(Clone, Debug)]
pub struct Element(String);

impl Session {
    pub async fn new(driver: &TauriDriver, application: &Path) -> Session {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {"tauri:options": {"application": application}}}});
        // WebKitWebDriver now and then drops the very first connection while it starts.
        let mut tries = 0;
        let v: Value = loop {
            tries += 1;
            let answer = match http
                .post(format!("{}/session", driver.url))
                .json(&caps)
                .send()
                .await
            {
                Ok(resp) => resp.json::<Value>().await.ok(),
                Err(_) => None,
            };
            match answer {
                Some(v) if v["value"]["sessionId"].is_string() => break v,
                other if tries >= 3 => {
                    panic!("no WebDriver session after {tries} tries: {other:?}")
                }
                _ => tokio::time::sleep(Duration::from_secs(2)).await,
            }
        };
        let id = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_owned();
        Session {
            http,
            base: format!("{}/session/{id}", driver.url),
        }
    }

    async fn cmd(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let v: Value = req.send().await.unwrap().json().await.unwrap();
        v["value"].clone()
    }

    pub async fn find(&self, css: &str) -> Option<Element> {
        let v = self
            .cmd(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        v.get(ELEMENT_KEY)
            .and_then(|e| e.as_str())
            .map(|s| Element(s.to_owned()))
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        let v = self
            .cmd(
                reqwest::Method::POST,
                "/elements",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| {
                        e.get(ELEMENT_KEY)
                            .and_then(|x| x.as_str())
                            .map(|s| Element(s.to_owned()))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Waits up to `secs` for an element to appear.
    pub async fn wait(&self, css: &str, secs: u64) -> Element {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(e) = self.find(css).await {
                return e;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {css}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits until the JavaScript expression is truthy.
    pub async fn wait_js(&self, script: &str, secs: u64) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if self.exec(script).await.as_bool() == Some(true) {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {script}");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    pub async fn exec(&self, script: &str) -> Value {
        self.cmd(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": format!("return ({script});"), "args": []})),
        )
        .await
    }

    pub async fn click(&self, e: &Element) {
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{}/click", e.0),
            Some(json!({})),
        )
        .await;
    }

    pub async fn type_text(&self, e: &Element, text: &str) {
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{}/value", e.0),
            Some(json!({"text": text})),
        )
        .await;
    }

    pub async fn text(&self, e: &Element) -> String {
        self.cmd(
            reqwest::Method::GET,
            &format!("/element/{}/text", e.0),
            None,
        )
        .await
        .as_str()
        .unwrap_or("")
        .to_owned()
    }

    pub async fn attr(&self, e: &Element, name: &str) -> Option<String> {
        self.cmd(
            reqwest::Method::GET,
            &format!("/element/{}/attribute/{name}", e.0),
            None,
        )
        .await
        .as_str()
        .map(str::to_owned)
    }

    /// A picture of the virtual display, window and all. (WebKitWebDriver's own
    /// screenshot command hangs on a display without compositing.)
    pub async fn screenshot(&self, display: &str, path: &Path) {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let status = Command::new("import")
            .args(["-display", display, "-window", "root"])
            .arg(path)
            .status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "screenshot with ImageMagick import failed"
        );
    }

    pub async fn quit(self) {
        let _ = self.http.delete(&self.base).send().await;
    }
}

/// The debug app binary next to this test binary, built on demand.
pub fn app_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let mut dir = exe.parent().unwrap().to_path_buf();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let bin = dir.join("huiji-app");
    if !bin.exists() {
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "-p", "huiji-app"])
            .status()
            .expect("cargo build -p huiji-app");
        assert!(status.success());
    }
    bin
}

// ---------------------------------------------------------------- app steps the tests share

/// Where the end-to-end tests save their screenshots.
pub fn out_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-output/e2e")
}

/// Under CI (or HUIJI_REQUIRE_E2E=1) missing tools fail the test instead of skipping it.
pub fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
        || std::env::var("HUIJI_REQUIRE_E2E").is_ok_and(|v| v == "1")
}

/// Starts tauri-driver and the debug app with its own data folder and server address.
pub async fn open_app(display: &str, data: &Path, server_url: &str) -> (TauriDriver, Session) {
    let downloads = data.join("downloads").to_str().unwrap().to_owned();
    let data = data.to_str().unwrap().to_owned();
    let driver = TauriDriver::start(
        display,
        &[
            ("HUIJI_APP_DATA", &data),
            ("HUIJI_SERVER_URL", server_url),
            ("HUIJI_LOG", "warn"),
            // Receipts and exports land here (the app's downloads folder).
            ("HUIJI_DOWNLOAD_DIR", &downloads),
        ],
    );
    let session = Session::new(&driver, &app_binary()).await;
    (driver, session)
}

/// Logs in on the password tab with the demo password.
pub async fn password_login(s: &Session, phone: &str) {
    let tab = s.wait("[data-testid=tab-password]", 30).await;
    s.click(&tab).await;
    let phone_input = s.wait("[data-testid=password-phone]", 10).await;
    s.type_text(&phone_input, phone).await;
    let pw = s.wait("[data-testid=password-password]", 10).await;
    s.type_text(&pw, crate::DEMO_PASSWORD).await;
    let submit = s.wait("[data-testid=login-submit]", 10).await;
    s.click(&submit).await;
}

/// Waits until the sync indicator says online (or offline).
pub async fn wait_online(s: &Session, online: bool, secs: u64) {
    s.wait_js(
        &format!("(function(){{var e=document.querySelector('[data-testid=sync-indicator]');return !!e && e.getAttribute('data-online')==='{online}';}})()"),
        secs,
    )
    .await;
}

// ---------------------------------------------------------------- a test's world

/// What an end-to-end test starts with: a virtual display, a demo server on its own data
/// in a temporary folder, and the screenshot folder. Dropped in that order (server,
/// display, folder).
pub struct World {
    pub server: crate::ServerProcess,
    pub xvfb: Xvfb,
    pub base: String,
    pub out: PathBuf,
    pub tmp: tempfile::TempDir,
}

impl World {
    /// The world, or `None` (having said why) when the tools are missing outside CI;
    /// under CI their absence fails the test.
    pub fn start() -> Option<World> {
        if let Some(why) = missing_tools() {
            assert!(!required(), "end-to-end tools missing under CI: {why}");
            eprintln!("SKIP: {why}");
            return None;
        }
        let tmp = tempfile::tempdir().unwrap();
        let xvfb = Xvfb::start();
        let server = crate::ServerProcess::start(&tmp.path().join("server"), None);
        Some(World {
            base: server.base_url.clone(),
            server,
            xvfb,
            out: out_dir(),
            tmp,
        })
    }

    /// The app opened on its own data folder `name`, against this world's server.
    pub async fn open_app(&self, name: &str) -> (TauriDriver, Session) {
        open_app(&self.xvfb.display, &self.tmp.path().join(name), &self.base).await
    }

    pub async fn screenshot(&self, s: &Session, name: &str) {
        s.screenshot(&self.xvfb.display, &self.out.join(name)).await;
    }
}

/// A script for `wait_js`: whether some element matching `css` contains `text`.
pub fn has_text(css: &str, text: &str) -> String {
    format!(
        "(function(){{var es=document.querySelectorAll({css:?});for(var i=0;i<es.length;i++){{if(es[i].textContent.indexOf({text:?})>=0)return true;}}return false;}})()"
    )
}

// ---------------------------------------------------------------- what a person does

/// Clicks the first element matching `css` once it is there.
pub async fn click(s: &Session, css: &str) {
    let e = s.wait(css, 30).await;
    // As a person scrolls a button clear of the tab bar before tapping it.
    s.exec(&format!(
        "(function(){{var e=document.querySelector({css:?});if(e)e.scrollIntoView({{block:'center'}});return true;}})()"
    ))
    .await;
    s.click(&e).await;
}

/// Clicks the first element matching `css` whose text contains `text`, once there is one.
pub async fn click_text(s: &Session, css: &str, text: &str) {
    let script = format!(
        "(function(){{var es=document.querySelectorAll({css:?});for(var i=0;i<es.length;i++){{if(es[i].textContent.indexOf({text:?})>=0){{es[i].scrollIntoView();es[i].click();return true;}}}}return false;}})()"
    );
    for _ in 0..60 {
        if s.exec(&script).await == Value::Bool(true) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    panic!("no {css} containing {text}");
}

/// Sets a <select> (or input) by script, as a person picking an option would, and tells
/// Svelte's bindings.
pub async fn choose(s: &Session, css: &str, js_value: &str) {
    s.wait(css, 20).await;
    let script = format!(
        "(function(){{var e=document.querySelector({css:?});e.value={js_value};e.dispatchEvent(new Event('input',{{bubbles:true}}));e.dispatchEvent(new Event('change',{{bubbles:true}}));return e.value;}})()"
    );
    s.exec(&script).await;
}

/// Chooses the option of a <select> whose text contains `text`.
pub async fn choose_text(s: &Session, css: &str, text: &str) {
    let js = format!(
        "(function(){{var o=[...document.querySelector({css:?}).options].find(function(o){{return o.textContent.indexOf({text:?})>=0;}});return o?o.value:'';}})()"
    );
    choose(s, css, &js).await;
}

/// The first element matching `css` whose attribute `attr` is `value`.
pub fn with_attr(css: &str, attr: &str, value: &str) -> String {
    format!("{css}[{attr}='{value}']")
}

pub fn b64(bytes: &[u8]) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Picks a file in an <input type=file> the way the system's file dialog would.
pub async fn pick_file(s: &Session, css: &str, name: &str, mime: &str, bytes: &[u8]) {
    s.wait(css, 20).await;
    let script = format!(
        "(function(){{var b=atob({data:?});var a=new Uint8Array(b.length);for(var i=0;i<b.length;i++)a[i]=b.charCodeAt(i);\
         var f=new File([a],{name:?},{{type:{mime:?}}});var dt=new DataTransfer();dt.items.add(f);\
         var e=document.querySelector({css:?});e.files=dt.files;e.dispatchEvent(new Event('change',{{bubbles:true}}));return e.files.length;}})()",
        data = b64(bytes)
    );
    assert_eq!(s.exec(&script).await, Value::from(1), "file picked");
}
