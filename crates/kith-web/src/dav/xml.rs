//! WebDAV XML: requests read into a small element tree (namespace-resolved), responses written
//! as text with every value escaped.

use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

pub const DAV: &str = "DAV:";
pub const CARDDAV: &str = "urn:ietf:params:xml:ns:carddav";
pub const CALSERVER: &str = "http://calendarserver.org/ns/";

/// An element of a request body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Element {
    pub ns: String,
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub text: String,
}

impl Element {
    /// Whether this is `{ns}name`.
    pub fn is(&self, ns: &str, name: &str) -> bool {
        self.ns == ns && self.name == name
    }

    /// The first child `{ns}name`.
    pub fn child(&self, ns: &str, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.is(ns, name))
    }

    /// Every child `{ns}name`.
    pub fn all<'a>(&'a self, ns: &'a str, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.is(ns, name))
    }

    /// An attribute by local name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Parses a request body. The message says where and what went wrong.
pub fn parse(body: &[u8]) -> Result<Element, String> {
    let text = std::str::from_utf8(body).map_err(|e| format!("the body is not UTF-8: {e}"))?;
    let mut reader = NsReader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let at = reader.buffer_position();
        let event =
            reader.read_resolved_event().map_err(|e| format!("malformed XML at byte {at}: {e}"))?;
        let empty = matches!(event.1, Event::Empty(_));
        match event {
            (ns, Event::Start(e)) | (ns, Event::Empty(e)) => {
                let ns = match ns {
                    ResolveResult::Bound(n) => String::from_utf8_lossy(n.as_ref()).into_owned(),
                    ResolveResult::Unbound => String::new(),
                    ResolveResult::Unknown(p) => {
                        return Err(format!(
                            "malformed XML at byte {at}: undeclared namespace prefix {:?}",
                            String::from_utf8_lossy(&p)
                        ));
                    }
                };
                let mut el = Element {
                    ns,
                    name: String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
                    ..Element::default()
                };
                for a in e.attributes() {
                    let a = a.map_err(|e| format!("malformed XML attribute at byte {at}: {e}"))?;
                    let value = a
                        .unescape_value()
                        .map_err(|e| format!("malformed XML attribute at byte {at}: {e}"))?;
                    el.attrs.push((
                        String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned(),
                        value.into_owned(),
                    ));
                }
                if empty {
                    attach(&mut stack, &mut root, el)?;
                } else {
                    stack.push(el);
                }
            }
            (_, Event::End(_)) => {
                let el = stack.pop().ok_or_else(|| format!("unexpected end tag at byte {at}"))?;
                attach(&mut stack, &mut root, el)?;
            }
            (_, Event::Text(t)) => {
                let raw = t.decode().map_err(|e| format!("bad text at byte {at}: {e}"))?;
                let value = quick_xml::escape::unescape(&raw)
                    .map_err(|e| format!("bad text at byte {at}: {e}"))?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&value);
                }
            }
            (_, Event::GeneralRef(r)) => {
                let ch = r
                    .resolve_char_ref()
                    .map_err(|e| format!("bad character reference at byte {at}: {e}"))?;
                let name = r.decode().map_err(|e| format!("bad reference at byte {at}: {e}"))?;
                let value = match (ch, name.as_ref()) {
                    (Some(c), _) => c.to_string(),
                    (None, "amp") => "&".into(),
                    (None, "lt") => "<".into(),
                    (None, "gt") => ">".into(),
                    (None, "quot") => "\"".into(),
                    (None, "apos") => "'".into(),
                    (None, other) => return Err(format!("unknown entity &{other}; at byte {at}")),
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&value);
                }
            }
            (_, Event::CData(t)) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            (_, Event::Eof) => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err("malformed XML: the body ends before its elements are closed".into());
    }
    root.ok_or_else(|| "the body has no XML element".into())
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, el: Element) -> Result<(), String> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None if root.is_none() => *root = Some(el),
        None => return Err("malformed XML: more than one root element".into()),
    }
    Ok(())
}

/// Escapes text for an XML element or attribute.
pub fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(s)
}

/// The prefix responses use for a namespace (declared on the root `multistatus`).
pub fn prefix(ns: &str) -> Option<&'static str> {
    match ns {
        DAV => Some("d"),
        CARDDAV => Some("card"),
        CALSERVER => Some("cs"),
        _ => None,
    }
}

/// Writes an empty element for a property name (`<d:getetag/>`, or with its own namespace).
pub fn empty_element(out: &mut String, ns: &str, name: &str) {
    match prefix(ns) {
        Some(p) => {
            out.push_str(&format!("<{p}:{name}/>"));
        }
        None if ns.is_empty() => out.push_str(&format!("<{name} xmlns=\"\"/>")),
        None => out.push_str(&format!("<x:{name} xmlns:x=\"{}\"/>", esc(ns))),
    }
}

/// The opening of a multistatus document.
pub const MULTISTATUS_OPEN: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<d:multistatus xmlns:d=\"DAV:\" xmlns:card=\"urn:ietf:params:xml:ns:carddav\" xmlns:cs=\"http://calendarserver.org/ns/\">";
pub const MULTISTATUS_CLOSE: &str = "</d:multistatus>";

/// A DAV error body with one precondition element (already written, e.g. `<card:valid-address-data/>`).
pub fn error_body(condition: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<d:error xmlns:d=\"DAV:\" xmlns:card=\"urn:ietf:params:xml:ns:carddav\">{condition}</d:error>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_resolve_whatever_the_prefix() {
        let el = parse(
            br#"<?xml version="1.0"?><A:propfind xmlns:A="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><A:prop><A:getetag/><C:address-data version="4.0"/><x xmlns="urn:other"/></A:prop></A:propfind>"#,
        )
        .expect("parses");
        assert!(el.is(DAV, "propfind"));
        let prop = el.child(DAV, "prop").expect("prop");
        assert!(prop.children[0].is(DAV, "getetag"));
        assert!(prop.children[1].is(CARDDAV, "address-data"));
        assert_eq!(prop.children[1].attr("version"), Some("4.0"));
        assert!(prop.children[2].is("urn:other", "x"));
    }

    #[test]
    fn malformed_bodies_say_where() {
        let e = parse(b"<d:propfind xmlns:d=\"DAV:\"><d:prop>").expect_err("unclosed");
        assert!(e.contains("ends before"), "{e}");
        let e = parse(b"<q:propfind/>").expect_err("unknown prefix");
        assert!(e.contains("undeclared namespace prefix"), "{e}");
        assert!(parse(b"<a/><b/>").is_err());
        let href = parse(b"<d:href xmlns:d=\"DAV:\">/a%20b/&amp;c.vcf</d:href>").expect("text");
        assert_eq!(href.text, "/a%20b/&c.vcf");
    }
}
