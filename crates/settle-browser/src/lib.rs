//! settle-browser: for tests only. settle's pages (today the replay report, later the web
//! server's) are checked in headless Chromium, driven through WebDriver (`chromedriver`) with
//! `fantoccini`, at a given viewport: run JavaScript in the page, take screenshots.
//!
//! A machine without Chromium must not pass a browser test silently: [`Tools::find`] says
//! what is missing, and the test reports itself as not run (see `tests/browser/main.rs` in the
//! workspace, a `libtest-mimic` harness, and docs/ARCHITECTURE.md). `.ci/run` installs
//! Chromium and chromedriver when they are missing.
//!
//! ```no_run
//! use settle_browser::{Browser, Tools, Viewport};
//! let tools = Tools::find().expect("Chromium and chromedriver");
//! let browser = Browser::start(&tools).unwrap();
//! let page = browser.open(Viewport::PHONE).unwrap();
//! page.goto_file(std::path::Path::new("/tmp/report.html")).unwrap();
//! let wide = page.eval("return document.documentElement.scrollWidth").unwrap();
//! page.screenshot(std::path::Path::new("/tmp/report-390.png")).unwrap();
//! ```
//!
//! The executables are found on `PATH` (`chromium`, `chromium-browser`, `google-chrome`;
//! `chromedriver`), or named by `SETTLE_CHROMIUM` and `SETTLE_CHROMEDRIVER`. Both must be of
//! the same major version (Debian's `chromium` and `chromium-driver` packages are).

#![deny(missing_docs)]

use fantoccini::wd::Capabilities;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What can go wrong driving the browser.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// chromedriver could not be started.
    #[error("cannot start {path}")]
    Start {
        /// The executable.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// chromedriver did not listen on its port in time.
    #[error("chromedriver did not answer on 127.0.0.1:{port} within {seconds} s")]
    NoAnswer {
        /// Its port.
        port: u16,
        /// How long we waited.
        seconds: u64,
    },
    /// The async runtime could not be made.
    #[error("cannot make the runtime")]
    Runtime(#[source] std::io::Error),
    /// No browser session could be opened.
    #[error("cannot open a browser session")]
    Session(#[source] Box<fantoccini::error::NewSessionError>),
    /// A WebDriver command failed.
    #[error("the browser refused a command")]
    Command(#[source] Box<fantoccini::error::CmdError>),
    /// The page's viewport is not the size asked for.
    #[error("the viewport is {got} CSS pixels wide, not {want}")]
    Viewport {
        /// Asked for.
        want: u32,
        /// Given.
        got: u64,
    },
    /// A click that should have loaded a page did not, in time.
    #[error("no new page loaded within {seconds} s of clicking {what}")]
    NoLoad {
        /// What was clicked.
        what: String,
        /// How long we waited.
        seconds: u64,
    },
    /// A screenshot could not be written.
    #[error("cannot write {path}")]
    Write {
        /// The file.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
}

impl From<fantoccini::error::NewSessionError> for Error {
    fn from(e: fantoccini::error::NewSessionError) -> Error {
        Error::Session(Box::new(e))
    }
}

impl From<fantoccini::error::CmdError> for Error {
    fn from(e: fantoccini::error::CmdError) -> Error {
        Error::Command(Box::new(e))
    }
}

/// The size of a page's viewport, in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewport {
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

impl Viewport {
    /// A desktop screen: 1400 × 900.
    pub const DESKTOP: Viewport = Viewport {
        width: 1400,
        height: 900,
    };
    /// A phone held upright: 390 × 844 (an iPhone 12 to 15), drawn at twice the pixels.
    pub const PHONE: Viewport = Viewport {
        width: 390,
        height: 844,
    };

    /// Whether the page is emulated as a phone (touch, mobile viewport rules).
    fn is_phone(self) -> bool {
        self.width < 600
    }
}

/// The executables a browser test needs.
#[derive(Debug, Clone)]
pub struct Tools {
    /// The browser.
    pub chromium: PathBuf,
    /// Its WebDriver server.
    pub chromedriver: PathBuf,
}

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

impl Tools {
    /// Finds Chromium and chromedriver, or says which is missing (the caller reports the test
    /// as not run, never as passed).
    pub fn find() -> Result<Tools, String> {
        let named = |var: &str| {
            std::env::var_os(var)
                .map(PathBuf::from)
                .filter(|p| p.is_file())
        };
        let chromium = named("SETTLE_CHROMIUM").or_else(|| {
            on_path(&[
                "chromium",
                "chromium-browser",
                "google-chrome",
                "google-chrome-stable",
            ])
        });
        let chromedriver = named("SETTLE_CHROMEDRIVER").or_else(|| on_path(&["chromedriver"]));
        match (chromium, chromedriver) {
            (Some(chromium), Some(chromedriver)) => Ok(Tools {
                chromium,
                chromedriver,
            }),
            (None, None) => Err("neither Chromium nor chromedriver is installed".to_string()),
            (None, _) => Err("Chromium is not installed".to_string()),
            (_, None) => Err("chromedriver is not installed".to_string()),
        }
    }
}

/// A running chromedriver, from which pages are opened. Dropping it stops chromedriver.
pub struct Browser {
    chromium: PathBuf,
    driver: Child,
    url: String,
    runtime: tokio::runtime::Runtime,
}

impl Browser {
    /// Starts chromedriver on a free port of 127.0.0.1 and waits until it answers.
    pub fn start(tools: &Tools) -> Result<Browser, Error> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .map_err(|source| Error::Start {
                path: "a local port".to_string(),
                source,
            })?;
        let driver = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|source| Error::Start {
                path: tools.chromedriver.display().to_string(),
                source,
            })?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(Error::Runtime)?;
        let browser = Browser {
            chromium: tools.chromium.clone(),
            driver,
            url: format!("http://127.0.0.1:{port}"),
            runtime,
        };
        let started = Instant::now();
        let wait = Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > wait {
                return Err(Error::NoAnswer {
                    port,
                    seconds: wait.as_secs(),
                });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(browser)
    }

    /// Opens a new headless browser window whose viewport is `viewport` (a phone is emulated
    /// as one: touch, mobile layout, two device pixels per CSS pixel).
    pub fn open(&self, viewport: Viewport) -> Result<Page<'_>, Error> {
        let mut args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".to_string(),
            "--disable-gpu".to_string(),
            "--disable-dev-shm-usage".to_string(),
            "--hide-scrollbars".to_string(),
            "--no-first-run".to_string(),
            "--lang=en-GB".to_string(),
        ];
        let mut options = json!({
            "binary": self.chromium.display().to_string(),
        });
        if viewport.is_phone() {
            options["mobileEmulation"] = json!({
                "deviceMetrics": {
                    "width": viewport.width,
                    "height": viewport.height,
                    "pixelRatio": 2.0,
                    "touch": true,
                    "mobile": true,
                }
            });
        } else {
            args.push("--force-device-scale-factor=1".to_string());
            args.push(format!(
                "--window-size={},{}",
                viewport.width, viewport.height
            ));
        }
        options["args"] = json!(args);
        let mut caps = Capabilities::new();
        caps.insert("browserName".to_string(), json!("chrome"));
        caps.insert("goog:chromeOptions".to_string(), options);
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = self.runtime.block_on(
            fantoccini::ClientBuilder::new(connector)
                .capabilities(caps)
                .connect(&self.url),
        )?;
        let page = Page {
            browser: self,
            client: Some(client),
        };
        // A page that asks for the device's width gets it (without the request a phone lays
        // pages out 980 px wide, as phones do).
        page.goto("data:text/html,<meta name=viewport content='width=device-width'>")?;
        let width = page.eval("return window.innerWidth")?;
        let got = width.as_u64().unwrap_or(0);
        if got != u64::from(viewport.width) {
            return Err(Error::Viewport {
                want: viewport.width,
                got,
            });
        }
        Ok(page)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// One browser window. Dropping it closes the window.
pub struct Page<'b> {
    browser: &'b Browser,
    client: Option<fantoccini::Client>,
}

impl Page<'_> {
    fn client(&self) -> &fantoccini::Client {
        self.client
            .as_ref()
            .expect("a page's client lives until it is dropped")
    }

    /// Loads a URL and waits for the page to load.
    pub fn goto(&self, url: &str) -> Result<(), Error> {
        Ok(self.browser.runtime.block_on(self.client().goto(url))?)
    }

    /// Loads a file (an absolute path, or one relative to the current folder).
    pub fn goto_file(&self, path: &Path) -> Result<(), Error> {
        let absolute = std::path::absolute(path).map_err(|source| Error::Write {
            path: path.display().to_string(),
            source,
        })?;
        self.goto(&format!("file://{}", absolute.display()))
    }

    /// Runs JavaScript in the page (a function body: `return ...` gives its value) and
    /// returns what it returns, as JSON.
    pub fn eval(&self, script: &str) -> Result<Value, Error> {
        Ok(self
            .browser
            .runtime
            .block_on(self.client().execute(script, Vec::new()))?)
    }

    /// Saves a PNG screenshot of the viewport, making the folder if needed.
    pub fn screenshot(&self, path: &Path) -> Result<(), Error> {
        let png = self.browser.runtime.block_on(self.client().screenshot())?;
        let write = |source| Error::Write {
            path: path.display().to_string(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(write)?;
        }
        std::fs::write(path, png).map_err(write)
    }

    /// Saves a PNG screenshot of the whole page: the viewport is made as tall as the page
    /// first (desktop windows only; a phone's is its screen).
    pub fn screenshot_full(&self, path: &Path, viewport: Viewport) -> Result<(), Error> {
        if !viewport.is_phone() {
            let height = self
                .eval("return document.documentElement.scrollHeight")?
                .as_u64()
                .unwrap_or(u64::from(viewport.height))
                .clamp(u64::from(viewport.height), 30_000) as u32;
            self.browser
                .runtime
                .block_on(self.client().set_window_size(viewport.width, height))?;
        }
        self.screenshot(path)
    }
}

/// Working a page's forms as a user does (for the web desk's tests): each finds its element by
/// a CSS selector, waiting up to 5 seconds for it to appear; a click waits for the page it
/// loads, as a WebDriver click does.
impl Page<'_> {
    fn element(&self, css: &str) -> Result<fantoccini::elements::Element, Error> {
        Ok(self.browser.runtime.block_on(
            self.client()
                .wait()
                .at_most(Duration::from_secs(5))
                .for_element(fantoccini::Locator::Css(css)),
        )?)
    }

    /// Clicks the element.
    pub fn click(&self, css: &str) -> Result<(), Error> {
        let e = self.element(css)?;
        Ok(self.browser.runtime.block_on(e.click())?)
    }

    /// Clicks the element (a submit button, a link) and waits until the page it loads has
    /// loaded: a WebDriver click does not always wait for a form's answer, and reading the old
    /// page meanwhile finds elements that go stale.
    pub fn click_to_load(&self, css: &str) -> Result<(), Error> {
        self.eval("window.__settle_old_page = true; return true")?;
        self.click(css)?;
        let started = Instant::now();
        let wait = Duration::from_secs(10);
        loop {
            // While the next page loads, the script may find no document to run in: try again.
            let state =
                self.eval("return window.__settle_old_page === true ? 'old' : document.readyState");
            if matches!(&state, Ok(Value::String(s)) if s == "complete") {
                return Ok(());
            }
            if started.elapsed() > wait {
                return Err(Error::NoLoad {
                    what: css.to_string(),
                    seconds: wait.as_secs(),
                });
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Empties a text input and types `text` into it.
    pub fn fill(&self, css: &str, text: &str) -> Result<(), Error> {
        let e = self.element(css)?;
        self.browser.runtime.block_on(async {
            e.clear().await?;
            e.send_keys(text).await
        })?;
        Ok(())
    }

    /// Chooses the option of a `<select>` whose value is `value`.
    pub fn select(&self, css: &str, value: &str) -> Result<(), Error> {
        let e = self.element(css)?;
        self.browser.runtime.block_on(e.select_by_value(value))?;
        Ok(())
    }

    /// The element's text, as rendered.
    pub fn text(&self, css: &str) -> Result<String, Error> {
        let e = self.element(css)?;
        Ok(self.browser.runtime.block_on(e.text())?)
    }

    /// An attribute of the element, as written in the page.
    pub fn attr(&self, css: &str, name: &str) -> Result<Option<String>, Error> {
        let e = self.element(css)?;
        Ok(self.browser.runtime.block_on(e.attr(name))?)
    }

    /// A property of the element, as it is now (an input's `value`).
    pub fn prop(&self, css: &str, name: &str) -> Result<Option<String>, Error> {
        let e = self.element(css)?;
        Ok(self.browser.runtime.block_on(e.prop(name))?)
    }

    /// The page's URL.
    pub fn url(&self) -> Result<String, Error> {
        Ok(self
            .browser
            .runtime
            .block_on(self.client().current_url())?
            .to_string())
    }
}

impl Drop for Page<'_> {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            let _ = self.browser.runtime.block_on(client.close());
        }
    }
}
