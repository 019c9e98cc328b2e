//! Server-rendered SVG charts (no script needed; colours come from the page's CSS so they
//! read in light and dark mode).

/// A vertical bar chart of labelled counts.
pub fn bars(data: &[(String, f64)], title: &str) -> String {
    const W: f64 = 420.0;
    const H: f64 = 180.0;
    const PAD: f64 = 24.0;
    let max = data.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max).max(1.0);
    let n = data.len().max(1) as f64;
    let slot = (W - PAD) / n;
    let mut out = format!(
        "<svg viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\" width=\"100%\">",
        escape(title)
    );
    out.push_str(&format!(
        "<line class=\"axis\" x1=\"{PAD}\" y1=\"{}\" x2=\"{W}\" y2=\"{}\"/>",
        H - PAD,
        H - PAD
    ));
    for (i, (label, v)) in data.iter().enumerate() {
        let h = (H - 2.0 * PAD) * v / max;
        let x = PAD + i as f64 * slot + slot * 0.15;
        let y = H - PAD - h;
        out.push_str(&format!(
            "<rect class=\"bar-rect\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\"><title>{}: {}</title></rect>",
            slot * 0.7,
            escape(label),
            v
        ));
        if *v > 0.0 {
            out.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x + slot * 0.35,
                y - 3.0,
                v
            ));
        }
        out.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            x + slot * 0.35,
            H - 8.0,
            escape(label)
        ));
    }
    out.push_str("</svg>");
    out
}

/// A horizontal bar chart of labelled counts, one row each (for category shares, whose long
/// labels do not fit under vertical bars).
pub fn hbars(data: &[(String, f64)], title: &str) -> String {
    const W: f64 = 420.0;
    const ROW: f64 = 20.0;
    const LABEL: f64 = 150.0;
    const COUNT: f64 = 56.0;
    let h = ROW * data.len().max(1) as f64 + 4.0;
    let max = data.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max).max(1.0);
    let mut out = format!(
        "<svg viewBox=\"0 0 {W} {h}\" role=\"img\" aria-label=\"{}\" width=\"100%\">",
        escape(title)
    );
    for (i, (label, v)) in data.iter().enumerate() {
        let y = i as f64 * ROW + 2.0;
        let len = (W - LABEL - COUNT) * v / max;
        let shown: String = if label.chars().count() > 22 {
            label.chars().take(21).chain(['\u{2026}']).collect()
        } else {
            label.clone()
        };
        out.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LABEL - 6.0,
            y + ROW * 0.65,
            escape(&shown)
        ));
        out.push_str(&format!(
            "<rect class=\"bar-rect\" x=\"{LABEL}\" y=\"{:.1}\" width=\"{len:.1}\" height=\"{:.1}\"><title>{}: {}</title></rect>",
            y + 3.0,
            ROW - 6.0,
            escape(label),
            v
        ));
        out.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            LABEL + len + 4.0,
            y + ROW * 0.65,
            v
        ));
    }
    out.push_str("</svg>");
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn draws_one_bar_per_value_and_escapes_labels() {
        let svg = super::bars(&[("a<b".into(), 2.0), ("c".into(), 0.0)], "t");
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("a&lt;b") && !svg.contains("a<b"));
    }

    #[test]
    fn horizontal_bars_scale_to_the_largest_and_shorten_long_labels() {
        let long = "A very long organization name, Inc.".to_string();
        let svg = super::hbars(&[(long.clone(), 10.0), ("b&c".into(), 5.0)], "t");
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("width=\"214.0\"") && svg.contains("width=\"107.0\""), "{svg}");
        assert!(svg.contains("A very long organizat\u{2026}"), "{svg}");
        // The full label stays in the tooltip.
        assert!(svg.contains(&format!("<title>{long}: 10</title>")));
        assert!(svg.contains("b&amp;c"));
    }
}
