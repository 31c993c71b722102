//! Draws the distributions with `charming` (ECharts, vendored in assets/echarts and loaded by
//! this page only). Okabe–Ito colours, which colour-blind readers tell apart, plus decal
//! patterns so that the printed report reads in black and white; every value is written on
//! its bar, with its share when the section has shares. Long labels wrap: a phone is 360 px.

use charming::component::{Aria, Axis, Decal, DecalItem, Grid, Legend};
use charming::element::{
    AxisLabel, AxisType, Color, Label, LabelPosition, Symbol, Tooltip, Trigger,
};
use charming::series::{Bar, Line, Pie};
use charming::Chart;
use dioxus::prelude::*;

use charming::datatype::DataPointItem;

use super::labels::{categories, height, LINE, WRAP_ACROSS};
use crate::domain::sections::{decimal, Row, Section, Shape};
use crate::offline::browser;
use crate::ui::format;

const PALETTE: [&str; 7] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000",
];

static ECHARTS: Asset = asset!("/assets/echarts/echarts.min.js");

/// Labels under columns wrap at this many characters.
const WRAP_UNDER: usize = 10;
/// Text sizes and the line height of labels under columns, in pixels (set, as
/// [`LINE`] is).
const FONT: u32 = 11;
const FONT_UNDER: u32 = 10;
const LINE_UNDER: u32 = 13;
/// About how wide a character of a label is, in pixels at [`FONT`].
const CHAR_WIDTH: usize = 7;

thread_local! {
    /// The charts of the statistics shown that are not drawn yet.
    static WAITING: std::cell::RefCell<Vec<Section>> = Default::default();
    /// Which statistics [`WAITING`] belongs to: a drawing loop of statistics no longer
    /// shown (another period) stops.
    static SHOWN: std::cell::Cell<u32> = Default::default();
    static ECHARTS_LOADED: std::cell::Cell<bool> = Default::default();
}

static PRINT_DRAWS_ALL: std::sync::Once = std::sync::Once::new();

/// Draws the charts of `sections` as they reach the screen (and those already passed), one
/// per task, and all those left when the page is printed. ECharts (a 160 KB script, kept by
/// the service worker) loads with the first chart on the screen or the first scroll: a phone
/// opening the statistics parses and draws only what it shows, and keeps answering taps
/// meanwhile (the key figures fill its first screen). Every chart's place has its final
/// height from the start (`labels::height`, set by the page), so that nothing moves when one
/// is drawn.
pub async fn draw(sections: &[Section]) {
    // What is on the screen is measured in a task after the one that showed the figures,
    // once the browser has laid them out (measuring at once would lay them out inside it).
    browser::sleep(std::time::Duration::ZERO).await;
    // An empty section shows a sentence, not an empty axis.
    let drawn: Vec<Section> = sections.iter().filter(|d| d.total() > 0).cloned().collect();
    let shown = SHOWN.with(|s| s.get().wrapping_add(1));
    SHOWN.with(|s| s.set(shown));
    WAITING.with(|w| *w.borrow_mut() = drawn);
    PRINT_DRAWS_ALL.call_once(|| browser::on_before_print(draw_all_waiting));
    let still_shown = || SHOWN.with(|s| s.get()) == shown;
    // A chart leaves the waiting list only as it is drawn: a print in between draws the rest.
    let reached_index = || {
        WAITING.with(|w| {
            w.borrow()
                .iter()
                .position(|d| browser::reached_screen(&container(d)))
        })
    };
    while still_shown() && WAITING.with(|w| !w.borrow().is_empty()) {
        if reached_index().is_none() {
            browser::until_scrolled().await;
        }
        // Loaded at the first scroll even before a chart shows: the reader is moving down to
        // them, and a print from the browser's menu cannot wait for a script.
        if !load_echarts().await || !still_shown() {
            return;
        }
        if let Some(index) = reached_index() {
            draw_one(&WAITING.with(|w| w.borrow_mut().remove(index)));
            // One chart per task.
            browser::sleep(std::time::Duration::ZERO).await;
        }
    }
}

/// Draws every chart not drawn yet, for the print the page's button asks for (ECharts loaded
/// first if no chart has been drawn yet).
pub async fn draw_all_for_print() {
    if WAITING.with(|w| !w.borrow().is_empty()) && load_echarts().await {
        draw_all_waiting();
    }
}

/// Draws at once every chart not drawn yet, for the print (ECharts must be loaded: a print
/// asked for before the first chart reached the screen shows the data tables, which hold
/// every figure).
fn draw_all_waiting() {
    if ECHARTS_LOADED.with(|l| l.get()) {
        for d in WAITING.with(|w| w.take()) {
            draw_one(&d);
        }
    }
}

async fn load_echarts() -> bool {
    match browser::load_script(&ECHARTS.to_string()).await {
        Ok(()) => {
            ECHARTS_LOADED.with(|l| l.set(true));
            true
        }
        Err(error) => {
            tracing::warn!("ECharts not loaded: {error}");
            false
        }
    }
}

fn container(d: &Section) -> String {
    format!("graphique-{}", d.id)
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// A chart of ECharts, as `echarts.init` makes it.
    type EchartsChart;
    #[wasm_bindgen(catch, js_namespace = echarts, js_name = init)]
    fn echarts_init(
        container: &web_sys::Element,
        theme: &wasm_bindgen::JsValue,
        size: &wasm_bindgen::JsValue,
    ) -> Result<EchartsChart, wasm_bindgen::JsValue>;
    #[wasm_bindgen(catch, method, js_name = setOption)]
    fn set_option(
        this: &EchartsChart,
        option: &wasm_bindgen::JsValue,
    ) -> Result<(), wasm_bindgen::JsValue>;
}

/// Draws one chart, its options given to ECharts once (each `setOption` lays the chart out
/// again: a phone pays for every one).
fn draw_one(d: &Section) {
    let id = container(d);
    let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&id))
    else {
        return;
    };
    let size = serde_json::json!({ "height": height(d) }).to_string();
    let drawn = js_sys::JSON::parse(&size)
        .and_then(|size| echarts_init(&element, &wasm_bindgen::JsValue::NULL, &size))
        .and_then(|chart| {
            // Handed over as JSON, as the rest of the app's values (charming leaves an empty
            // field out rather than writing null).
            let mut option = serde_json::to_value(self::chart(d))
                .map_err(|e| wasm_bindgen::JsValue::from_str(&e.to_string()))?;
            merge(&mut option, &line_heights(d));
            merge(&mut option, &french_texts(d));
            let option = js_sys::JSON::parse(&option.to_string())?;
            french_values(&option, d)?;
            chart.set_option(&option)
        });
    if let Err(error) = drawn {
        tracing::warn!("chart {} not drawn: {error:?}", d.id);
    }
}

/// The numbers ECharts writes itself — a value axis' graduations, a tooltip's values — the
/// French way ("1 200", durations in h/min): ECharts writes "1,200" whatever the locale. Given
/// as a function of ours (options in JSON hold none, and the Content-Security-Policy allows
/// no `eval`); one small function per chart drawn, kept as long as the page.
fn french_values(option: &wasm_bindgen::JsValue, d: &Section) -> Result<(), wasm_bindgen::JsValue> {
    use js_sys::{Array, Object, Reflect};
    use wasm_bindgen::prelude::Closure;
    let unit = d.unit;
    let write = Closure::<dyn Fn(wasm_bindgen::JsValue) -> String>::new(
        move |value: wasm_bindgen::JsValue| {
            value
                .as_f64()
                .map(|v| format::quantite(unit, v.max(0.0).round() as u64))
                .unwrap_or_default()
        },
    )
    .into_js_value();
    let set = |target: &wasm_bindgen::JsValue, key: &str, value: &wasm_bindgen::JsValue| {
        Reflect::set(target, &key.into(), value).map(|_| ())
    };
    for axes in ["xAxis", "yAxis"] {
        // One axis is written as an object, several as an array.
        let list = Reflect::get(option, &axes.into())?;
        let list = if Array::is_array(&list) {
            Array::from(&list)
        } else if list.is_object() {
            Array::of1(&list)
        } else {
            continue;
        };
        for axis in list.iter() {
            if Reflect::get(&axis, &"type".into())?.as_string().as_deref() == Some("value") {
                let label = Reflect::get(&axis, &"axisLabel".into())?;
                let label = if label.is_object() {
                    label
                } else {
                    Object::new().into()
                };
                set(&label, "formatter", &write)?;
                set(&axis, "axisLabel", &label)?;
            }
        }
    }
    let tooltip = Reflect::get(option, &"tooltip".into())?;
    if tooltip.is_object() {
        set(&tooltip, "valueFormatter", &write)?;
    }
    Ok(())
}

/// What charming cannot say: the screen reader's description in French (ECharts writes its
/// own in English), and each slice's label written the French way ("1 234 (12,3 %)"; ECharts
/// would write "1,234 (12.34 %)"), none on an empty slice (its place stays in the legend).
fn french_texts(d: &Section) -> serde_json::Value {
    let description = format!("{} : graphique, détail dans « Voir les données »", d.title);
    let aria = serde_json::json!({ "label": { "description": description } });
    match d.shape {
        Shape::Donut => {
            let slices: Vec<serde_json::Value> = d
                .rows
                .iter()
                .map(|r| {
                    let shown = r.value > 0;
                    serde_json::json!({
                        "label": { "show": shown, "formatter": bar_text(d, r) },
                        "labelLine": { "show": shown },
                    })
                })
                .collect();
            serde_json::json!({ "aria": aria, "series": [{ "data": slices }] })
        }
        _ => serde_json::json!({ "aria": aria }),
    }
}

/// Every text of the chart's line height (charming has no setter for it, nor for hiding
/// overlapping labels), to merge into its options.
fn line_heights(d: &Section) -> serde_json::Value {
    let across = serde_json::json!({ "lineHeight": LINE });
    let under = serde_json::json!({ "lineHeight": LINE_UNDER });
    match d.shape {
        Shape::HorizontalBars => serde_json::json!({
            "yAxis": [{ "axisLabel": across }], "series": [{ "label": across }] }),
        Shape::Columns => serde_json::json!({
            "xAxis": [{ "axisLabel": under }], "series": [{ "label": across }] }),
        // A label with too little room beside the ring breaks into lines ("69" over
        // "(12,3 %)"): ECharts would cut it ("69 (1…").
        Shape::Donut => serde_json::json!({
            "series": [{ "label": { "lineHeight": LINE, "overflow": "break" } }] }),
        // The month's bar and the running total share a point (always the first month):
        // of two labels that overlap, one is hidden.
        Shape::Evolution => {
            let series =
                serde_json::json!({ "label": across, "labelLayout": { "hideOverlap": true } });
            serde_json::json!({ "series": [series, series] })
        }
    }
}

/// Merges `patch` into the options `into` as ECharts merges options: objects key by key,
/// lists item by item, a lone object as a list of one (charming writes a list of one axis as
/// the axis).
fn merge(into: &mut serde_json::Value, patch: &serde_json::Value) {
    use serde_json::Value;
    match (into, patch) {
        (Value::Object(into), Value::Object(patch)) => {
            for (key, value) in patch {
                match into.get_mut(key) {
                    Some(existing @ (Value::Object(_) | Value::Array(_)))
                        if value.is_object() || value.is_array() =>
                    {
                        merge(existing, value)
                    }
                    _ => {
                        into.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Array(into), Value::Array(patch)) => {
            for (existing, value) in into.iter_mut().zip(patch) {
                merge(existing, value);
            }
        }
        (into @ Value::Object(_), Value::Array(patch)) => {
            if let Some(first) = patch.first() {
                merge(into, first);
            }
        }
        _ => {}
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

/// Values named with their French writing ("1 234"), which their labels print (`{b}`).
fn french_numbers(values: &[i64]) -> Vec<DataPointItem> {
    values
        .iter()
        .map(|v| DataPointItem::new(*v).name(format::nombre(u64::try_from(*v).unwrap_or(0))))
        .collect()
}

/// The text written on a bar: its value, and its share when the section has shares. It goes
/// as the data item's name, which the label prints (`{b}`).
fn bar_text(d: &Section, row: &Row) -> String {
    let value = format::quantite(d.unit, row.value);
    match row.percent {
        Some(share) => format!("{value} ({} %)", decimal(share)),
        None => value,
    }
}

/// The bars of a section, each named with its text.
fn bars(d: &Section) -> Vec<DataPointItem> {
    d.rows
        .iter()
        .map(|r| DataPointItem::new(r.value as i64).name(bar_text(d, r)))
        .collect()
}

fn text_label(position: LabelPosition) -> Label {
    Label::new()
        .show(true)
        .position(position)
        .formatter("{b}")
        .font_size(FONT as f64)
}

fn chart(d: &Section) -> Chart {
    match d.shape {
        Shape::HorizontalBars => bars_across(d),
        Shape::Columns => columns(d),
        Shape::Donut => donut(d),
        Shape::Evolution => evolution(d),
    }
}

/// Bars across, a label before each and its figure after it.
fn bars_across(d: &Section) -> Chart {
    // Room on the right for the longest text written after a bar.
    let longest = d
        .rows
        .iter()
        .map(|r| bar_text(d, r).chars().count())
        .max()
        .unwrap_or(1);
    base()
        .grid(
            Grid::new()
                .left(4)
                .right((8 + CHAR_WIDTH * longest) as i32)
                .top(10)
                .bottom(10)
                .contain_label(true),
        )
        .x_axis(Axis::new().type_(AxisType::Value).show(false))
        .y_axis(
            Axis::new()
                .type_(AxisType::Category)
                .inverse(true)
                .axis_label(AxisLabel::new().interval(0).font_size(FONT as f64))
                .data(categories(d, WRAP_ACROSS)),
        )
        .series(
            Bar::new()
                .data(bars(d))
                .label(text_label(LabelPosition::Right)),
        )
}

/// Columns, their figure on top and their label under them.
fn columns(d: &Section) -> Chart {
    base()
        .grid(
            Grid::new()
                .left(4)
                .right(4)
                .top(30)
                .bottom(10)
                .contain_label(true),
        )
        .x_axis(
            Axis::new()
                .type_(AxisType::Category)
                .data(categories(d, WRAP_UNDER))
                .axis_label(AxisLabel::new().interval(0).font_size(FONT_UNDER as f64)),
        )
        .y_axis(Axis::new().type_(AxisType::Value).show(false))
        .series(
            Bar::new()
                .data(bars(d))
                .label(text_label(LabelPosition::Top)),
        )
}

/// A ring, its legend under it.
fn donut(d: &Section) -> Chart {
    base().legend(Legend::new().bottom(0)).series(
        Pie::new()
            .radius(vec!["35%", "60%"])
            .center(vec!["50%", "42%"])
            .label(Label::new().show(true).font_size(FONT as f64))
            // Every row, empty ones too (they stay in the legend; `french_texts` writes each
            // slice's label).
            .data(
                d.rows
                    .iter()
                    .map(|r| DataPointItem::new(r.value as i64).name(r.label.as_str()))
                    .collect::<Vec<_>>(),
            ),
    )
}

/// Month by month: the month's bar and the running total's line.
fn evolution(d: &Section) -> Chart {
    let labels: Vec<String> = d.rows.iter().map(|r| r.label.clone()).collect();
    let values: Vec<i64> = d.rows.iter().map(|r| r.value as i64).collect();
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
                .name(format!("{} du mois", d.unit.label()))
                .data(french_numbers(&values))
                .label(text_label(LabelPosition::Top)),
        )
        .series(
            Line::new()
                .name("Cumul")
                .data(french_numbers(&cumulative))
                .label(text_label(LabelPosition::Top)),
        )
}
