//! A queued crash envelope made smaller without ever holding it whole: for a server that answered 413 to an
//! entry written by an earlier process (whose original dump path is gone). The envelope file (gzipped or
//! plain) is read as a stream, item by item; the `event.minidump` attachment is replaced by its memory-
//! stripped form or removed, every other item is copied through, and the result is written gzipped and
//! atomically. Item headers are kept as they were, but for the `length` of the minidump.

use crate::atomic::{write_atomic, Written};
use crate::envelope::DEFAULT_GZIP_LEVEL;
use crate::error::EnvelopeError;
use crate::gzip::GzipWriter;
use crate::strip_minidump_memory;
use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// What to do with the `event.minidump` attachment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DowngradeMode {
    /// Replace it by the dump with all memory but the thread stacks removed (`strip_minidump_memory`).
    StripMinidumpMemory,
    /// Remove the item.
    DropMinidump,
}

/// What `downgrade_envelope_file` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downgraded {
    pub written: Written,
    /// `event.minidump` items found in the source (stripped or dropped).
    pub minidumps: usize,
    /// Attachment items left in the result (the stripped minidump included).
    pub attachments: usize,
}

const MINIDUMP: &str = "event.minidump";

/// Writes `dst` (gzipped, atomically) as the envelope `src` with its minidump stripped or dropped.
pub fn downgrade_envelope_file(
    src: &Path,
    dst: &Path,
    mode: DowngradeMode,
) -> Result<Downgraded, EnvelopeError> {
    let io = |e| EnvelopeError::io(src, e);
    let mut file = File::open(src).map_err(io)?;
    let mut magic = [0u8; 2];
    let gz = file.read(&mut magic).map_err(io)? == 2 && magic == [0x1f, 0x8b];
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    let mut input: Box<dyn BufRead> = if gz {
        Box::new(BufReader::with_capacity(
            256 * 1024,
            MultiGzDecoder::new(file),
        ))
    } else {
        Box::new(BufReader::with_capacity(256 * 1024, file))
    };
    let scratch_dir = match dst.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let scratch_name = dst
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (mut minidumps, mut attachments) = (0, 0);
    let written = write_atomic(dst, |out| {
        let mut gz = GzipWriter::new(out, DEFAULT_GZIP_LEVEL);
        let header = read_line(&mut input, src)?
            .ok_or_else(|| bad(src, "empty file: no envelope header"))?;
        serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&header).map_err(
            |e| {
                bad(
                    src,
                    &format!("the envelope header is not a JSON object: {e}"),
                )
            },
        )?;
        gz.write_all(&header).map_err(out_err)?;
        while let Some(line) = read_line(&mut input, src)? {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue; // the envelope's closing newline
            }
            let mut item: serde_json::Map<String, serde_json::Value> =
                serde_json::from_slice(&line)
                    .map_err(|e| bad(src, &format!("an item header is not JSON: {e}")))?;
            let is_attachment = item.get("type").and_then(|v| v.as_str()) == Some("attachment");
            let is_minidump = is_attachment
                && item.get("attachment_type").and_then(|v| v.as_str()) == Some(MINIDUMP);
            let length = item.get("length").and_then(|v| v.as_u64());
            if !is_minidump {
                attachments += usize::from(is_attachment);
                gz.write_all(b"\n").map_err(out_err)?;
                gz.write_all(&line).map_err(out_err)?;
                gz.write_all(b"\n").map_err(out_err)?;
                match length {
                    Some(n) => copy_exact(&mut input, &mut gz, n, src)?,
                    None => {
                        let payload = read_line(&mut input, src)?.unwrap_or_default();
                        gz.write_all(&payload).map_err(out_err)?;
                    }
                }
                skip_newline(&mut input, src)?;
                continue;
            }
            minidumps += 1;
            match mode {
                DowngradeMode::DropMinidump => match length {
                    Some(n) => copy_exact(&mut input, &mut io::sink(), n, src)?,
                    None => drop(read_line(&mut input, src)?),
                },
                DowngradeMode::StripMinidumpMemory => {
                    let raw = Scratch::new(&scratch_dir, &scratch_name, "dump");
                    let stripped = Scratch::new(&scratch_dir, &scratch_name, "stripped");
                    {
                        let mut f =
                            File::create(&raw.0).map_err(|e| EnvelopeError::io(&raw.0, e))?;
                        match length {
                            Some(n) => copy_exact(&mut input, &mut f, n, src)?,
                            None => {
                                let payload = read_line(&mut input, src)?.unwrap_or_default();
                                f.write_all(&payload)
                                    .map_err(|e| EnvelopeError::io(&raw.0, e))?;
                            }
                        }
                    }
                    let s = strip_minidump_memory(&raw.0, &stripped.0)?;
                    drop(raw);
                    item.insert("length".into(), s.bytes.into());
                    gz.write_all(b"\n").map_err(out_err)?;
                    serde_json::to_writer(&mut gz, &item)
                        .map_err(|e| EnvelopeError::Internal(e.to_string()))?;
                    gz.write_all(b"\n").map_err(out_err)?;
                    let mut f =
                        File::open(&stripped.0).map_err(|e| EnvelopeError::io(&stripped.0, e))?;
                    copy_exact(&mut f, &mut gz, s.bytes, &stripped.0)?;
                    attachments += 1;
                }
            }
            skip_newline(&mut input, src)?;
        }
        gz.write_all(b"\n").map_err(out_err)?;
        gz.finish().map_err(out_err)?;
        Ok(())
    })?;
    Ok(Downgraded {
        written,
        minidumps,
        attachments,
    })
}

fn bad(src: &Path, msg: &str) -> EnvelopeError {
    EnvelopeError::InvalidArgument(format!("{}: not an envelope: {msg}", src.display()))
}

fn out_err(e: io::Error) -> EnvelopeError {
    EnvelopeError::Io(format!("cannot write the envelope: {e}"))
}

/// One line without its `\n`; `None` at the end of the input. Lines here are headers: small.
fn read_line(input: &mut dyn BufRead, src: &Path) -> Result<Option<Vec<u8>>, EnvelopeError> {
    let mut line = Vec::new();
    let n = input
        .read_until(b'\n', &mut line)
        .map_err(|e| EnvelopeError::io(src, e))?;
    if n == 0 {
        return Ok(None);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
    }
    Ok(Some(line))
}

/// Consumes the newline that follows a payload, when there is one.
fn skip_newline(input: &mut dyn BufRead, src: &Path) -> Result<(), EnvelopeError> {
    let buf = input.fill_buf().map_err(|e| EnvelopeError::io(src, e))?;
    if buf.first() == Some(&b'\n') {
        input.consume(1);
    }
    Ok(())
}

/// Copies exactly `n` bytes, in chunks; a shorter input is a truncated envelope.
fn copy_exact(
    input: &mut dyn Read,
    out: &mut dyn Write,
    n: u64,
    src: &Path,
) -> Result<(), EnvelopeError> {
    let copied = io::copy(&mut input.take(n), out).map_err(|e| EnvelopeError::io(src, e))?;
    if copied != n {
        return Err(bad(
            src,
            &format!("an item is truncated ({copied} of {n} bytes)"),
        ));
    }
    Ok(())
}

/// A scratch file beside the destination, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(dir: &Path, name: &str, what: &str) -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        Scratch(dir.join(format!(".{name}.{what}.{}.{n}.tmp", std::process::id())))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
