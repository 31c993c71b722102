//! How the charts write their labels, and so how tall each chart is: the page gives every
//! chart's place its height before the chart is drawn (`charts`, in the browser only).

use crate::domain::sections::{Section, Shape};

/// Long labels of bars across wrap at this many characters.
pub const WRAP_ACROSS: usize = 20;
/// The line height of labels across, in pixels. It is set, not measured: ECharts measures it
/// on a Chinese character, which a phone without Chinese fonts draws tiny, and lines then
/// overlap.
pub const LINE: u32 = 14;

/// What a chart writes for a category: its label without a parenthesised precision (the
/// data table keeps it), wrapped at `width` characters.
pub fn category(label: &str, width: usize) -> String {
    let short = match label.split_once(" (") {
        Some((head, _)) if label.ends_with(')') => head,
        _ => label,
    };
    wrap(short, width)
}

/// The categories of a section as its chart writes them.
pub fn categories(d: &Section, width: usize) -> Vec<String> {
    d.rows.iter().map(|r| category(&r.label, width)).collect()
}

/// Enough height for every bar to carry its label, however many lines it takes.
pub fn height(section: &Section) -> usize {
    match section.shape {
        Shape::HorizontalBars => {
            let lines = categories(section, WRAP_ACROSS)
                .iter()
                .map(|c| c.lines().count())
                .max()
                .unwrap_or(1);
            let row = (LINE as usize * lines + 16).max(32);
            20 + row * section.rows.len().max(1)
        }
        Shape::Donut => 300,
        Shape::Columns | Shape::Evolution => 280,
    }
}

/// Breaks a long label into lines of about `width` characters, at spaces: a phone is narrow.
fn wrap(label: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for word in label.split(' ') {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines.join("\n")
}
