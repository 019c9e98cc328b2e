//! Times the readers on generated input.
//!
//! ```text
//! cargo run --release -p kith-formats --bin kith-formats-bench -- mbox --mb 300
//! cargo run --release -p kith-formats --bin kith-formats-bench -- linkedin --rows 30000
//! ```
//!
//! `mbox` generates a realistic mailbox in memory (deterministic pseudo-random senders,
//! threads, full Received/DKIM headers, 1–8 KB bodies, ~10% newsletters), writes it to a
//! temporary file and times [`mbox::read`] over a `BufReader` of it. `linkedin` generates a
//! `Connections.csv` with LinkedIn's `Notes:` preamble and times [`linkedin::read_connections`].

use chrono::{DateTime, Duration, NaiveDate, Utc};
use kith_core::import::ParseOptions;
use kith_formats::{linkedin, mbox};
use std::error::Error;
use std::fmt::Write as _;
use std::io::{BufReader, Write as _};
use std::time::Instant;

const USAGE: &str = "usage: kith-formats-bench mbox [--mb N] [--seed S] | linkedin [--rows N] [--seed S] | vcards --cards N --out FILE [--seed S]";
const ME: &str = "alex@rivera.example";

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |flag: &str, default: u64| -> Result<u64, Box<dyn Error>> {
        match args.iter().position(|a| a == flag) {
            Some(i) => Ok(args.get(i + 1).ok_or(USAGE)?.parse()?),
            None => Ok(default),
        }
    };
    let seed = number("--seed", 42)?;
    match args.first().map(String::as_str) {
        Some("mbox") => bench_mbox(number("--mb", 300)?, seed),
        Some("linkedin") => bench_linkedin(number("--rows", 30_000)?, seed),
        Some("vcards") => {
            let out = args
                .iter()
                .position(|a| a == "--out")
                .and_then(|i| args.get(i + 1))
                .ok_or(USAGE)?;
            write_vcards(number("--cards", 100_000)?, seed, std::path::Path::new(out))
        }
        _ => Err(USAGE.into()),
    }
}

fn bench_mbox(mb: u64, seed: u64) -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    let data = generate_mbox(mb * 1_000_000, seed);
    let size = data.len() as f64 / 1e6;
    println!("generated {size:.1} MB in {:.2} s", started.elapsed().as_secs_f64());
    let path = std::env::temp_dir().join(format!("kith-formats-bench-{}.mbox", std::process::id()));
    std::fs::File::create(&path)?.write_all(&data)?;
    drop(data);
    let opts =
        ParseOptions::new(NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?, vec![ME.into()]);
    let mut reports = 0u64;
    let result = (|| -> Result<_, Box<dyn Error>> {
        let file = std::fs::File::open(&path)?;
        let started = Instant::now();
        let parsed = mbox::read(BufReader::new(file), &opts, &mut |_| reports += 1)?;
        Ok((parsed, started.elapsed().as_secs_f64()))
    })();
    std::fs::remove_file(&path)?;
    let (parsed, secs) = result?;
    println!(
        "mbox: {size:.1} MB in {secs:.3} s = {:.0} MB/s, {} activities ({} skipped, {} problems, \
         {reports} progress reports)",
        size / secs,
        parsed.activities.len(),
        parsed.skipped.len(),
        parsed.problems.len(),
    );
    Ok(())
}

fn bench_linkedin(rows: u64, seed: u64) -> Result<(), Box<dyn Error>> {
    let mut rng = Rng::new(seed);
    let mut csv = String::from(
        "Notes:\n\"When exporting your connection data, you may notice that some of the email \
         addresses are missing. You will only see email addresses for connections who have \
         allowed their connections to see or download their email address using this setting \
         https://www.linkedin.com/psettings/privacy/email. You can learn more here \
         https://www.linkedin.com/help/linkedin/answer/261\"\n\n\
         First Name,Last Name,URL,Email Address,Company,Position,Connected On\n",
    );
    let start = NaiveDate::from_ymd_opt(2008, 1, 1).ok_or("date")?;
    for i in 0..rows {
        let (first, last) = (rng.pick(FIRST), rng.pick(LAST));
        let email = if rng.below(10) == 0 {
            format!("{}.{}@{}", first.to_lowercase(), last.to_lowercase(), rng.pick(DOMAINS))
        } else {
            String::new()
        };
        let company = quote(rng.pick(COMPANIES));
        let title = quote(rng.pick(TITLES));
        let date = start + Duration::days(rng.below(6000) as i64);
        let _ = writeln!(
            csv,
            "{first},{last},https://www.linkedin.com/in/{}-{}-{i:x},{email},{company},{},{}",
            first.to_lowercase(),
            last.to_lowercase(),
            title,
            date.format("%d %b %Y"),
        );
    }
    let bytes = csv.into_bytes();
    let started = Instant::now();
    let parsed = linkedin::read_connections(&bytes)?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "linkedin: {} rows ({:.1} MB) in {secs:.3} s = {:.0} rows/s, {} people, {} problems",
        rows,
        bytes.len() as f64 / 1e6,
        rows as f64 / secs,
        parsed.people.len(),
        parsed.problems.len(),
    );
    Ok(())
}

/// xorshift64*: deterministic, good enough for test data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    fn token(&mut self, len: usize) -> String {
        const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        (0..len).map(|_| char::from(B64[self.below(64) as usize])).collect()
    }
}

const FIRST: &[&str] = &[
    "Jane",
    "José",
    "Zoë",
    "Wei",
    "Priya",
    "Liam",
    "Anna-Lena",
    "Olu",
    "Chloé",
    "Mark",
    "Sofia",
    "Mateo",
    "Aiko",
    "Björn",
    "Fatima",
    "Noah",
    "Ingrid",
    "Kwame",
    "Lucía",
    "Dmitri",
    "Amara",
    "Tomás",
    "Yuki",
    "Hannah",
    "Ravi",
    "Elif",
    "Marco",
    "Sven",
    "Nadia",
    "Omar",
];
const LAST: &[&str] = &[
    "Doe",
    "Martínez",
    "Ångström",
    "Zhang",
    "Natarajan",
    "O'Brien",
    "Müller",
    "Adeyemi",
    "Dubois",
    "Smith",
    "Rossi",
    "García",
    "Tanaka",
    "Ødegaard",
    "Haddad",
    "Williams",
    "Larsen",
    "Mensah",
    "Fernández",
    "Ivanov",
    "Okafor",
    "Silva",
    "Sato",
    "Becker",
    "Kumar",
    "Yılmaz",
];
const DOMAINS: &[&str] = &[
    "acme.example",
    "globex.example",
    "initech.example",
    "example.org",
    "mail.example.com",
    "uni.example.edu",
    "startup.example.io",
];
const COMPANIES: &[&str] = &[
    "Acme Corp",
    "Globex, Inc.",
    "Initech",
    "Université de Genève",
    "SAP SE",
    "Flutterwave",
    "Société Générale, Paris",
    "Amazon Web Services (AWS)",
    "Self-employed",
    "Equinor ASA",
    "",
];
const TITLES: &[&str] = &[
    "Software Engineer",
    "Senior Engineer",
    "Head of Sales",
    "Product Manager",
    "Research Fellow",
    "VP, Engineering",
    "Consultant",
    "Designer",
    "Data Scientist",
    "CTO",
];
const WORDS: &[&str] = &[
    "the", "project", "meeting", "tomorrow", "please", "review", "attached", "draft", "thanks",
    "schedule", "budget", "quarter", "customer", "release", "deadline", "update", "team", "lunch",
    "call", "notes", "proposal", "contract", "feedback", "launch", "design", "and", "we", "should",
    "discuss", "next", "week", "about", "numbers", "plan", "great", "idea",
];
const SUBJECTS: &[&str] = &[
    "Lunch next week?",
    "Quarterly numbers",
    "Draft proposal",
    "Intro",
    "Release plan",
    "Contract review",
    "Conference travel",
    "Catching up",
    "Design feedback",
    "Hiring update",
];
const NEWSLETTERS: &[(&str, &str)] = &[
    ("This Week in Rust", "newsletter@this-week-in-rust.example"),
    ("Product Hunt Daily", "hello@digest.producthunt.example"),
    ("The Morning Brew", "crew@morningbrew.example"),
];

/// A mailbox of about `target` bytes.
fn generate_mbox(target: u64, seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let people: Vec<(String, String)> = (0..500)
        .map(|i| {
            let (first, last) = (rng.pick(FIRST), rng.pick(LAST));
            let domain = rng.pick(DOMAINS);
            let address = format!(
                "{}.{}{i}@{domain}",
                ascii(first).to_lowercase(),
                ascii(last).to_lowercase()
            );
            let name = if rng.below(5) == 0 {
                format!("=?UTF-8?B?{}?=", encode_base64(format!("{first} {last}").as_bytes()))
            } else if rng.below(4) == 0 {
                format!("\"{last}, {first}\"")
            } else {
                format!("{first} {last}")
            };
            (name, address)
        })
        .collect();
    let mut out = Vec::with_capacity(target as usize + 16_384);
    let mut at = DateTime::<Utc>::from_timestamp(1_577_836_800, 0).unwrap_or_default();
    let mut threads: Vec<(String, String, usize)> = Vec::new();
    let mut n = 0u64;
    let mut msg = String::with_capacity(16_384);
    while (out.len() as u64) < target {
        n += 1;
        msg.clear();
        at += Duration::seconds(60 + rng.below(7_200) as i64);
        let newsletter = rng.below(10) == 0;
        let other = &people[rng.below(people.len() as u64) as usize];
        let mine = !newsletter && rng.below(3) == 0;
        let (from_name, from_addr) = if newsletter {
            let (name, addr) = NEWSLETTERS[rng.below(NEWSLETTERS.len() as u64) as usize];
            (name.to_string(), addr.to_string())
        } else if mine {
            ("Alex Rivera".to_string(), ME.to_string())
        } else {
            other.clone()
        };
        let to =
            if mine { format!("{} <{}>", other.0, other.1) } else { format!("Alex Rivera <{ME}>") };
        let id = format!("{}.{n}@{}", rng.token(16), from_addr.split('@').nth(1).unwrap_or("x"));
        let date = at.format("%a, %d %b %Y %H:%M:%S +0000");
        let _ = writeln!(msg, "From {from_addr} {}", at.format("%a %b %e %H:%M:%S %Y"));
        let _ = writeln!(msg, "Return-Path: <{from_addr}>");
        let _ = writeln!(
            msg,
            "Received: from mail-{0}.example.net (mail-{0}.example.net [198.51.100.{1}])\n\tby \
             mx.rivera.example with ESMTPS id {2}\n\tfor <{ME}>; {date}",
            rng.below(90),
            rng.below(250),
            rng.token(12)
        );
        let _ = writeln!(
            msg,
            "Received: by 2002:a05:6{}:{} with SMTP id {}; {date}",
            rng.below(999),
            rng.below(9999),
            rng.token(10)
        );
        let _ = writeln!(
            msg,
            "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\n        d={}; s=20230601; t={};\n        \
             h=to:subject:message-id:date:from:mime-version:from:to:cc:subject:date:message-id:reply-to;\n        \
             bh={}=;\n        b={}\n         {}\n         {}",
            from_addr.split('@').nth(1).unwrap_or("x"),
            at.timestamp(),
            rng.token(43),
            rng.token(70),
            rng.token(70),
            rng.token(60)
        );
        let _ = writeln!(msg, "X-Google-Smtp-Source: {}", rng.token(88));
        let _ = writeln!(msg, "MIME-Version: 1.0");
        let _ = writeln!(msg, "From: {from_name} <{from_addr}>");
        let _ = writeln!(msg, "Date: {date}");
        let _ = writeln!(msg, "Message-ID: <{id}>");
        let subject = if newsletter {
            format!("{} #{}", from_name, n % 1000)
        } else if !threads.is_empty() && rng.below(10) < 4 {
            let t = rng.below(threads.len() as u64) as usize;
            let (root, subject, depth) = &mut threads[t];
            *depth += 1;
            let _ = writeln!(msg, "In-Reply-To: <{root}>\nReferences: <{root}>");
            format!("Re: {subject}")
        } else {
            let subject = rng.pick(SUBJECTS).to_string();
            threads.push((id.clone(), subject.clone(), 0));
            if threads.len() > 200 {
                threads.remove(0);
            }
            subject
        };
        let _ = writeln!(msg, "Subject: {subject}");
        let _ = writeln!(msg, "To: {to}");
        if rng.below(5) == 0 {
            let cc = &people[rng.below(people.len() as u64) as usize];
            let _ = writeln!(msg, "Cc: {} <{}>", cc.0, cc.1);
        }
        if newsletter {
            let _ = writeln!(
                msg,
                "List-Unsubscribe: <https://{0}/unsubscribe/{1}>,\n <mailto:unsubscribe@{0}>\nList-Id: <news.{0}>\nPrecedence: bulk",
                from_addr.split('@').nth(1).unwrap_or("x"),
                rng.token(20)
            );
        }
        let _ = writeln!(
            msg,
            "Content-Type: text/plain; charset=\"UTF-8\"\nContent-Transfer-Encoding: 8bit\n"
        );
        let body = 1_000 + rng.below(7_000) as usize;
        let start = msg.len();
        let mut line_len = 0;
        while msg.len() - start < body {
            if line_len == 0 && rng.below(200) == 0 {
                msg.push_str(">From the archive: ");
            }
            let w = rng.pick(WORDS);
            msg.push_str(w);
            line_len += w.len() + 1;
            if line_len > 66 {
                msg.push('\n');
                line_len = 0;
            } else {
                msg.push(' ');
            }
        }
        msg.push_str("\n\n");
        out.extend_from_slice(msg.as_bytes());
    }
    out
}

/// A CSV field, quoted when it holds a comma.
fn quote(s: &str) -> String {
    if s.contains(',') { format!("\"{s}\"") } else { s.to_string() }
}

fn ascii(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphabetic).collect()
}

fn encode_base64(bytes: &[u8]) -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[((v >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Writes `n` realistic vCards (Apple-style 3.0 with grouped labels, Outlook 2.1 with
/// quoted-printable, 4.0 with year-less birthdays), for the import benchmark.
fn write_vcards(n: u64, seed: u64, out: &std::path::Path) -> Result<(), Box<dyn Error>> {
    const GIVEN: &[&str] = &[
        "Ada", "Grace", "Jörg", "Zoë", "Liam", "Priya", "Wei", "Olu", "Chloé", "Mark", "Sam",
        "José",
    ];
    const FAMILY: &[&str] = &[
        "Lovelace",
        "Hopper",
        "Müller",
        "Ångström",
        "O'Brien",
        "Natarajan",
        "Zhang",
        "Adeyemi",
        "Dubois",
        "Smith",
    ];
    const ORGS: &[&str] = &[
        "Acme Corp",
        "Globex, Inc.",
        "Initech",
        "Umbrella",
        "Wayne Labs",
        "Stark Industries",
        "Hooli",
        "Vandelay",
    ];
    const TITLES: &[&str] =
        &["Engineer", "CTO", "VP Engineering", "Designer", "Product Manager", "Recruiter"];
    let mut rng = Rng::new(seed);
    let mut text = String::with_capacity(n as usize * 420);
    for i in 0..n {
        let (g, f) = (rng.pick(GIVEN), rng.pick(FAMILY));
        let org = rng.pick(ORGS);
        let title = rng.pick(TITLES);
        let mail = format!(
            "{}.{}{i}@example.com",
            g.to_lowercase(),
            f.to_lowercase().replace(['\'', ' '], "")
        );
        match i % 3 {
            0 => text.push_str(&format!(
                "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 17.4//EN\r\nN:{f};{g};;;\r\nFN:{g} {f}\r\nORG:{};\r\nTITLE:{title}\r\nEMAIL;type=INTERNET;type=WORK;type=pref:{mail}\r\nTEL;type=CELL;type=VOICE;type=pref:+1 555 {:07}\r\nitem1.URL;type=pref:https://www.linkedin.com/in/user{i}\r\nitem1.X-ABLabel:_$!<HomePage>!$_\r\nBDAY;X-APPLE-OMIT-YEAR=1604:1604-{:02}-{:02}\r\nCATEGORIES:imported,friends\r\nNOTE:Met at a meetup\\, talked about Rust.\r\nUID:apple-{i:08}\r\nEND:VCARD\r\n",
                org.replace(',', "\\,"), i, 1 + rng.below(12), 1 + rng.below(28)
            )),
            1 => text.push_str(&format!(
                "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8:{f};{g}\r\nFN;CHARSET=UTF-8:{g} {f}\r\nORG:{};{title}\r\nTEL;WORK;VOICE:+44 20 {:08}\r\nEMAIL;PREF;INTERNET:{mail}\r\nNOTE;ENCODING=QUOTED-PRINTABLE:Outlook card=0D=0Asecond line\r\nX-MS-OL-DEFAULT-POSTAL-ADDRESS:2\r\nUID:outlook-{i:08}\r\nEND:VCARD\r\n",
                org.replace(',', ""), i
            )),
            _ => text.push_str(&format!(
                "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:{g} {f}\r\nN:{f};{g};;;\r\nEMAIL;TYPE=work:{mail}\r\nTEL;VALUE=uri;TYPE=\"cell,voice\":tel:+1-666-{:07}\r\nBDAY:--{:02}{:02}\r\nADR;TYPE=work:;;{} Main St;Springfield;;12345;USA\r\nORG:{}\r\nUID:urn:uuid:00000000-0000-4000-8000-{i:012}\r\nEND:VCARD\r\n",
                i, 1 + rng.below(12), 1 + rng.below(28), 1 + rng.below(999), org.replace(',', "\\,")
            )),
        }
    }
    std::fs::write(out, text.as_bytes())?;
    println!("wrote {n} vCards ({:.1} MB) to {}", text.len() as f64 / 1e6, out.display());
    Ok(())
}
