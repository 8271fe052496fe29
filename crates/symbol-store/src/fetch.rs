//! Symbol files over HTTP(S) from servers in the symbol-store layout (Electron's, Mozilla's, a team's own).

use std::time::Duration;

/// No `.sym` we want is larger than this; a bigger answer is a broken or hostile server.
const MAX_SYM_BYTES: u64 = 1 << 30;

pub enum Fetched {
    Found(Vec<u8>),
    /// The server answered that it has no such file (404 / 410): worth remembering.
    NotFound,
    /// Timeouts, resets, 5xx: say nothing about the file; try again next run.
    Failed(String),
}

pub struct Fetcher {
    agent: ureq::Agent,
    retries: u32,
}

impl Fetcher {
    pub fn new(timeout: Duration, retries: u32) -> Fetcher {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .timeout_connect(Some(timeout.min(Duration::from_secs(10))))
            .http_status_as_error(false)
            .proxy(ureq::Proxy::try_from_env())
            .user_agent(concat!(
                "sentry-electron-native/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()
            .into();
        Fetcher { agent, retries }
    }

    /// GET `<base>/<rel>`, retrying transient failures a bounded number of times with a short back-off.
    pub fn fetch(&self, base: &str, rel: &[&str]) -> Fetched {
        let url = url(base, rel);
        let mut last = Fetched::Failed(String::new());
        for attempt in 0..=self.retries {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(200 << (attempt - 1)));
            }
            last = self.once(&url);
            if !matches!(last, Fetched::Failed(_)) {
                break;
            }
        }
        last
    }

    fn once(&self, url: &str) -> Fetched {
        match self.agent.get(url).call() {
            Ok(mut response) => match response.status().as_u16() {
                200 => match response
                    .body_mut()
                    .with_config()
                    .limit(MAX_SYM_BYTES)
                    .read_to_vec()
                {
                    Ok(bytes) => Fetched::Found(bytes),
                    Err(e) => Fetched::Failed(format!("{url}: {e}")),
                },
                404 | 410 => Fetched::NotFound,
                status => Fetched::Failed(format!("{url}: HTTP {status}")),
            },
            Err(e) => Fetched::Failed(format!("{url}: {e}")),
        }
    }
}

/// Joins a base URL and store-layout components, percent-encoding each component.
pub fn url(base: &str, rel: &[&str]) -> String {
    let mut out = base.trim_end_matches('/').to_string();
    for part in rel {
        out.push('/');
        for b in part.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn urls_escape_every_component() {
        assert_eq!(
            super::url(
                "https://symbols.example/",
                &["crash.pdb", "ABC0", "crash.sym"]
            ),
            "https://symbols.example/crash.pdb/ABC0/crash.sym"
        );
        assert_eq!(
            super::url("http://h", &["a b?#", "1", "x.sym"]),
            "http://h/a%20b%3F%23/1/x.sym"
        );
    }
}
