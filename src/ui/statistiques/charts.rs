//! Draws the distributions with `charming` (ECharts, vendored in assets/echarts and loaded by
//! this page only). Okabe–Ito colours, which colour-blind readers tell apart, plus decal
//! patterns so that the printed report reads in black and white; every value is written on
//! its bar.

use charming::component::{Aria, Axis, Decal, DecalItem, Grid, Legend};
use charming::element::{
    AxisLabel, AxisType, Color, Label, LabelPosition, Symbol, Tooltip, Trigger,
};
use charming::series::{Bar, Line, Pie};
use charming::{Chart, WasmRenderer};
use dioxus::prelude::*;

use crate::domain::sections::{Section, Shape};
use crate::offline::browser;

const PALETTE: [&str; 7] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000",
];

static ECHARTS: Asset = asset!("/assets/echarts/echarts.min.js");

/// Enough height for every bar to carry its label on a phone.
fn height(section: &Section) -> usize {
    match section.shape {
        Shape::HorizontalBars => 40 + 48 * section.rows.len().max(1),
        Shape::Donut => 300,
        Shape::Columns | Shape::Evolution => 280,
    }
}

/// Loads ECharts once, then draws every chart into its container.
pub async fn draw(sections: &[Section]) {
    if let Err(error) = browser::load_script(&ECHARTS.to_string()).await {
        tracing::warn!("ECharts not loaded: {error}");
        return;
    }
    for d in sections {
        browser::set_height(&format!("graphique-{}", d.id), height(d) as u32);
        let renderer = WasmRenderer::new_opt(None, Some(height(d) as u32));
        if let Err(error) = renderer.render(&format!("graphique-{}", d.id), &chart(d)) {
            tracing::warn!("chart {} not drawn: {error:?}", d.id);
        }
    }
}

/// One pattern per colour, so that bars and slices stay apart on a black and white print.
/// (ECharts needs them listed: an empty list breaks its rendering.)
fn decals() -> Vec<DecalItem> {
    let pattern = |symbol: Symbol, size: f64, rotation: f64| {
        DecalItem::new()
            .symbol(symbol)
            .symbol_size(size)
            .rotation(rotation)
            .color("rgba(255, 255, 255, 0.55)")
    };
    vec![
        pattern(Symbol::Rect, 0.0, 0.0),
        pattern(Symbol::Circle, 0.7, 0.0),
        pattern(Symbol::Rect, 0.5, std::f64::consts::FRAC_PI_4),
        pattern(Symbol::Triangle, 0.8, 0.0),
        pattern(Symbol::Diamond, 0.8, 0.0),
        pattern(Symbol::Rect, 0.9, 0.0),
        pattern(Symbol::Pin, 0.8, 0.0),
    ]
}

fn base() -> Chart {
    Chart::new()
        .color(PALETTE.iter().map(|c| Color::from(*c)).collect::<Vec<_>>())
        .aria(
            Aria::new()
                .enabled(true)
                .label(Label::new().show(true))
                .decal(Decal::new().show(true).decals(decals())),
        )
        .animation(false)
        .tooltip(Tooltip::new().trigger(Trigger::Item))
}

fn value_label(position: LabelPosition) -> Label {
    Label::new().show(true).position(position).formatter("{c}")
}

fn chart(d: &Section) -> Chart {
    let labels: Vec<String> = d.rows.iter().map(|r| r.label.clone()).collect();
    let values: Vec<i64> = d.rows.iter().map(|r| r.value as i64).collect();
    match d.shape {
        Shape::HorizontalBars => base()
            .grid(
                Grid::new()
                    .left("3%")
                    .right("12%")
                    .top(10)
                    .bottom(10)
                    .contain_label(true),
            )
            .x_axis(Axis::new().type_(AxisType::Value).show(false))
            .y_axis(
                Axis::new()
                    .type_(AxisType::Category)
                    .inverse(true)
                    .data(labels.iter().map(|l| wrap(l, 22)).collect::<Vec<_>>()),
            )
            .series(
                Bar::new()
                    .data(values)
                    .label(value_label(LabelPosition::Right)),
            ),
        Shape::Columns => base()
            .grid(
                Grid::new()
                    .left("3%")
                    .right("3%")
                    .top(30)
                    .bottom(10)
                    .contain_label(true),
            )
            .x_axis(
                Axis::new()
                    .type_(AxisType::Category)
                    .data(labels.iter().map(|l| wrap(l, 12)).collect::<Vec<_>>())
                    .axis_label(AxisLabel::new().interval(0).font_size(11)),
            )
            .y_axis(Axis::new().type_(AxisType::Value))
            .series(
                Bar::new()
                    .data(values)
                    .label(value_label(LabelPosition::Top)),
            ),
        Shape::Donut => base().legend(Legend::new().bottom(0)).series(
            Pie::new()
                .radius(vec!["40%", "68%"])
                .center(vec!["50%", "45%"])
                .label(Label::new().show(true).formatter("{c}"))
                .data(
                    d.rows
                        .iter()
                        .map(|r| (r.value as i64, r.label.as_str()))
                        .collect::<Vec<_>>(),
                ),
        ),
        Shape::Evolution => {
            let cumulative: Vec<i64> = d
                .rows
                .iter()
                .map(|r| r.cumul.unwrap_or_default() as i64)
                .collect();
            base()
                .tooltip(Tooltip::new().trigger(Trigger::Axis))
                .legend(Legend::new().bottom(0))
                .grid(
                    Grid::new()
                        .left("3%")
                        .right("3%")
                        .top(30)
                        .bottom(40)
                        .contain_label(true),
                )
                .x_axis(Axis::new().type_(AxisType::Category).data(labels))
                .y_axis(Axis::new().type_(AxisType::Value))
                .series(
                    Bar::new()
                        .name("Accompagnements du mois")
                        .data(values)
                        .label(value_label(LabelPosition::Top)),
                )
                .series(
                    Line::new()
                        .name("Cumul")
                        .data(cumulative)
                        .label(value_label(LabelPosition::Top)),
                )
        }
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
