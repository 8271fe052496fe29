//! The Sentry event of a main-process native crash, built from the report as ts/event/event-from-report.ts and
//! ts/event/native-crash-event.ts build it in JavaScript for the next-launch path: the same exception, threads,
//! images, contexts and tags, so that a crash reads alike whichever path reported it. `__test__/crash-sender.spec.ts`
//! compares the two on fixture dumps, field by field, so that they cannot drift apart.

use crate::bounded::{bounded_annotations, crashpad_contexts};
use minidump_report::report::{Crash, Frame, Module, Report};
use serde_json::{json, Map, Value};

/// What the minidump becomes (the SDK's `minidumpPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Attach,
    Strip,
    Omit,
}

impl Policy {
    pub fn parse(s: &str) -> Option<Policy> {
        match s {
            "attach" => Some(Policy::Attach),
            "strip" => Some(Policy::Strip),
            "omit" => Some(Policy::Omit),
            _ => None,
        }
    }
}

/// What the event needs beyond the report.
pub struct EventFacts<'a> {
    pub report: &'a Report,
    pub policy: Policy,
    pub send_default_pii: bool,
    /// The user's home directory, replaced by `~` in every string unless personal data is sent.
    pub home: Option<&'a str>,
    /// 32 lowercase hex digits.
    pub event_id: String,
    /// Seconds since the epoch, for a dump whose time cannot be read.
    pub now: f64,
}

/// The event, before the scope is applied (crate::scope does that).
pub fn native_crash_event(facts: &EventFacts<'_>) -> Value {
    let report = facts.report;
    let crash = report.crash.as_ref();
    let crash_frames = report.crashing_thread.as_ref().map(|t| {
        let mut st = stacktrace(&t.frames, &report.modules);
        if !t.registers.0.is_empty() {
            st["registers"] = serde_json::to_value(&t.registers).unwrap_or(Value::Null);
        }
        st
    });
    let arch = sentry_arch(&report.system.cpu_arch);
    let thread_id = crash
        .map(|c| c.thread_id)
        .or(report.crashing_thread.as_ref().map(|t| t.id));
    let os_name = sentry_os_name(&report.system.os);

    let mut os = Map::new();
    os.insert("name".into(), json!(os_name));
    let sys = &report.system;
    insert_some(
        &mut os,
        "version",
        sys.os_version.as_deref().filter(|s| !s.is_empty()),
    );
    insert_some(
        &mut os,
        "build",
        sys.os_build.as_deref().filter(|s| !s.is_empty()),
    );
    if os_name == "Linux" || os_name == "Android" {
        // The dump's version is the kernel's release, its build the rest of `uname -v`.
        let kernel: Vec<&str> = [sys.os_version.as_deref(), sys.os_build.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect();
        if !kernel.is_empty() {
            os.insert("kernel_version".into(), json!(kernel.join(" ")));
        }
    }
    let mut device = Map::new();
    insert_some(&mut device, "arch", arch);
    device.insert("processor_count".into(), json!(sys.cpu_count));
    insert_some(
        &mut device,
        "cpu_description",
        sys.cpu_info.as_deref().filter(|s| !s.is_empty()),
    );
    let mut contexts = Map::new();
    contexts.insert("os".into(), Value::Object(os));
    contexts.insert("device".into(), Value::Object(device));
    let taken = ["os", "device", "electron", "trace", "app", "runtime"];
    for (k, v) in crashpad_contexts(report.crashpad.as_ref(), &taken) {
        contexts.insert(k, v);
    }
    contexts.insert("electron".into(), electron_context(report));

    let mut tags = Map::new();
    if let Some(c) = crash {
        tags.insert("crash.reason".into(), json!(c.reason));
    }
    if let Some(p) = report.process_type.as_deref().filter(|p| !p.is_empty()) {
        tags.insert("process.type".into(), json!(p));
    }
    tags.insert(
        "event.process".into(),
        json!(process_tag(report.process_type.as_deref())),
    );
    tags.insert("event.environment".into(), json!("native"));

    let threads: Vec<Value> = report
        .threads
        .iter()
        .map(|t| {
            let crashing = Some(t.id) == thread_id;
            // Sentry's processing: the crashing thread's stack lives on the exception; without a crash, the
            // thread that asked for the dump is `current` and keeps its stack.
            let stack = if crashing {
                if crash.is_some() {
                    None
                } else {
                    crash_frames.clone()
                }
            } else {
                t.frames.as_ref().map(|f| stacktrace(f, &report.modules))
            };
            let mut v = Map::new();
            v.insert("id".into(), json!(t.id));
            insert_some(&mut v, "name", t.name.as_deref().filter(|s| !s.is_empty()));
            v.insert("crashed".into(), json!(crashing && crash.is_some()));
            v.insert("current".into(), json!(crashing));
            if let Some(s) = stack {
                v.insert("stacktrace".into(), s);
            }
            Value::Object(v)
        })
        .collect();

    let images: Vec<Value> = report
        .modules
        .iter()
        .map(|m| image(m, image_type(&sys.os), arch))
        .collect();
    let dump_time = parse_iso8601(&report.dump_time).filter(|t| *t != 0.0);
    let mut event = json!({
        "event_id": facts.event_id,
        "timestamp": dump_time.unwrap_or(facts.now),
        "platform": "native",
        "level": "fatal",
        "contexts": contexts,
        "tags": tags,
        "threads": { "values": threads },
        "debug_meta": { "images": images },
    });
    match crash {
        Some(c) => {
            event["exception"] =
                json!({ "values": [exception(c, thread_id, crash_frames, facts.policy)] });
        }
        None => {
            let ptype = report.process_type.as_deref().unwrap_or("browser");
            event["message"] = json!(format!("Native {ptype} process dump without a crash"));
        }
    }
    match (facts.send_default_pii, facts.home) {
        (false, Some(home)) => scrub_home(event, home),
        _ => event,
    }
}

fn electron_context(report: &Report) -> Value {
    let mut electron = Map::new();
    electron.insert(
        "process_type".into(),
        json!(report.process_type.as_deref().unwrap_or("browser")),
    );
    if let Some(pid) = report.process_id.filter(|p| *p != 0) {
        electron.insert("crashed_process_id".into(), json!(pid));
    }
    if let Some(cp) = report.crashpad.as_ref().filter(|c| !c.report_id.is_empty()) {
        electron.insert("crashpad_report_id".into(), json!(cp.report_id));
    }
    if let Some(cp) = report.crashpad.as_ref() {
        let annotations = bounded_annotations(cp.simple_annotations.iter(), &[]);
        if !annotations.is_empty() {
            electron.insert("annotations".into(), Value::Object(annotations));
        }
    }
    Value::Object(electron)
}

fn exception(c: &Crash, thread_id: Option<u32>, frames: Option<Value>, policy: Policy) -> Value {
    let mut mechanism = json!({
        "type": if policy == Policy::Omit { "native" } else { "minidump" },
        "handled": false,
        "synthetic": true,
    });
    if let Some(meta) = mechanism_meta(c) {
        mechanism["meta"] = meta;
    }
    let assertion = c
        .assertion
        .as_deref()
        .filter(|a| !a.is_empty())
        .map(|a| format!(": {a}"))
        .unwrap_or_default();
    let mut ex = json!({
        "type": crash_type(&c.reason),
        "value": format!("{} at {}{}", c.reason, c.address, assertion),
        "mechanism": mechanism,
    });
    if let Some(id) = thread_id {
        ex["thread_id"] = json!(id);
    }
    if let Some(f) = frames {
        ex["stacktrace"] = f;
    }
    ex
}

fn mechanism_meta(c: &Crash) -> Option<Value> {
    let mut meta = Map::new();
    if let Some(s) = &c.signal {
        let mut sig = Map::new();
        sig.insert("number".into(), json!(s.number));
        if let Some(code) = s.code {
            sig.insert("code".into(), json!(code));
        }
        insert_some(
            &mut sig,
            "name",
            s.name.as_deref().filter(|s| !s.is_empty()),
        );
        insert_some(
            &mut sig,
            "code_name",
            s.code_name.as_deref().filter(|s| !s.is_empty()),
        );
        meta.insert("signal".into(), Value::Object(sig));
    }
    if let Some(m) = &c.mach_exception {
        // The protocol's number: as JavaScript's `Number(BigInt(subcode))`, a subcode past 2^53 loses its low bits.
        let subcode = parse_hex(&m.subcode).map_or(0.0, |v| v as f64);
        let mut mach = json!({ "exception": m.exception, "code": m.code, "subcode": subcode });
        if let Some(name) = m.name.as_deref().filter(|s| !s.is_empty()) {
            mach["name"] = json!(name);
        }
        meta.insert("mach_exception".into(), mach);
    }
    (!meta.is_empty()).then_some(Value::Object(meta))
}

/// Oldest-first frames, each inlined call a logical frame of its own above its physical frame (event-from-report.ts).
fn stacktrace(frames: &[Frame], modules: &[Module]) -> Value {
    let mut out = Vec::new();
    for frame in frames {
        let pkg = module_at(modules, &frame.instruction)
            .map(|m| m.code_file.as_str())
            .or(frame.module.as_deref())
            .filter(|p| !p.is_empty());
        let mut base = Map::new();
        base.insert("instruction_addr".into(), json!(frame.instruction));
        insert_some(&mut base, "package", pkg);
        base.insert("trust".into(), json!(frame.trust));
        for inline in &frame.inlines {
            let name = Some(inline.function.as_str());
            out.push(named(
                base.clone(),
                name,
                Some(&inline.symbol),
                inline.file.as_deref(),
                inline.line,
                true,
            ));
        }
        let (function, symbol) = (frame.function.as_deref(), frame.symbol.as_deref());
        out.push(named(
            base,
            function,
            symbol,
            frame.file.as_deref(),
            frame.line,
            false,
        ));
    }
    out.reverse();
    json!({ "frames": out, "instruction_addr_adjustment": "none" })
}

/// A logical frame: `base` with its names and source line. An inlined call keeps its function name even when
/// empty (`keep_function`), as event-from-report.ts writes it.
fn named(
    mut f: Map<String, Value>,
    function: Option<&str>,
    symbol: Option<&str>,
    file: Option<&str>,
    line: Option<u32>,
    keep_function: bool,
) -> Value {
    match function {
        Some(name) if keep_function => {
            f.insert("function".into(), json!(name));
        }
        name => insert_some(&mut f, "function", name.filter(|s| !s.is_empty())),
    }
    insert_some(&mut f, "symbol", symbol.filter(|s| !s.is_empty()));
    insert_some(&mut f, "filename", file.filter(|s| !s.is_empty()));
    if let Some(line) = line {
        f.insert("lineno".into(), json!(line));
    }
    Value::Object(f)
}

fn image(m: &Module, ty: &str, arch: Option<&str>) -> Value {
    let mut v = Map::new();
    v.insert("type".into(), json!(ty));
    v.insert("code_file".into(), json!(m.code_file));
    v.insert("image_addr".into(), json!(m.base_address));
    v.insert("image_size".into(), json!(m.size));
    insert_some(
        &mut v,
        "debug_file",
        m.debug_file.as_deref().filter(|s| !s.is_empty()),
    );
    let debug_id = m.debug_id.as_deref().and_then(sentry_debug_id);
    insert_some(&mut v, "debug_id", debug_id.as_deref());
    insert_some(
        &mut v,
        "code_id",
        m.code_id.as_deref().filter(|s| !s.is_empty()),
    );
    insert_some(&mut v, "arch", arch);
    Value::Object(v)
}

fn module_at<'m>(modules: &'m [Module], address: &str) -> Option<&'m Module> {
    let at = parse_hex(address)?;
    modules
        .iter()
        .find(|m| parse_hex(&m.base_address).is_some_and(|base| at >= base && (at - base) < m.size))
}

fn parse_hex(s: &str) -> Option<u64> {
    let digits = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"))?;
    u64::from_str_radix(digits, 16).ok()
}

/// Breakpad's identifier (GUID or build id, then the age) as Sentry's `debug_id`: a UUID, `-<age>` when not 0.
pub fn sentry_debug_id(id: &str) -> Option<String> {
    if !(33..=40).contains(&id.len()) || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let hex = id[..32].to_ascii_lowercase();
    let uuid = format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    );
    let age = u64::from_str_radix(&id[32..], 16).unwrap_or(0);
    Some(if age == 0 {
        uuid
    } else {
        format!("{uuid}-{age:x}")
    })
}

fn image_type(os: &str) -> &'static str {
    let os = os.to_ascii_lowercase();
    if os.contains("windows") {
        "pe"
    } else if os.contains("mac") || os.contains("ios") {
        "macho"
    } else {
        "elf"
    }
}

fn sentry_arch(cpu: &str) -> Option<&'static str> {
    Some(match cpu.to_ascii_lowercase().as_str() {
        "amd64" | "x86_64" => "x86_64",
        "x86" => "x86",
        "arm64" | "aarch64" => "arm64",
        "arm" => "arm",
        "ppc64" => "ppc64",
        "mips" => "mips",
        _ => return None,
    })
}

fn sentry_os_name(os: &str) -> String {
    match os.to_ascii_lowercase().as_str() {
        "windows nt" | "windows" => "Windows".into(),
        "mac os x" | "macos" => "macOS".into(),
        "linux" => "Linux".into(),
        "ios" => "iOS".into(),
        "android" => "Android".into(),
        _ => os.into(),
    }
}

/// Crashpad's `ptype` as Electron's process name, as ts/event/native-crash-event.ts's `processTag`.
pub fn process_tag(ptype: Option<&str>) -> String {
    match ptype {
        None | Some("") | Some("browser") => "browser".into(),
        Some("gpu-process") => "GPU".into(),
        Some(other) => other.into(),
    }
}

/// `SIGSEGV / SEGV_MAPERR` → `SIGSEGV`.
fn crash_type(reason: &str) -> String {
    let head = reason.split(" / ").next().unwrap_or("").trim();
    if head.is_empty() {
        reason.into()
    } else {
        head.into()
    }
}

fn insert_some(map: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        map.insert(key.into(), json!(v));
    }
}

/// `~` for the home directory in every string value (not keys), as native-crash-event.ts's `scrubHome`.
pub fn scrub_home(value: Value, home: &str) -> Value {
    if home.len() < 3 || home == "/" {
        return value;
    }
    let alt = home.replace('\\', "/");
    let scrub = |s: String| -> String {
        let s = s.replace(home, "~");
        if alt != home {
            s.replace(&alt, "~")
        } else {
            s
        }
    };
    fn walk(v: Value, f: &dyn Fn(String) -> String) -> Value {
        match v {
            Value::String(s) => Value::String(f(s)),
            Value::Array(a) => Value::Array(a.into_iter().map(|x| walk(x, f)).collect()),
            Value::Object(o) => {
                Value::Object(o.into_iter().map(|(k, x)| (k, walk(x, f))).collect())
            }
            other => other,
        }
    }
    walk(value, &scrub)
}

/// `YYYY-MM-DDTHH:MM:SS[.fff]Z` (the report's `dumpTime`) in seconds since the epoch.
pub fn parse_iso8601(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm), the inverse of minidump-report's `iso8601`.
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if mo > 2 { mo - 3 } else { mo + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 86_400 + h * 3600 + mi * 60 + sec) as f64)
}
