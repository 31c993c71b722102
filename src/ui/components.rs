//! Small widgets shared by the pages (DSFR classes, large touch targets).

use dioxus::prelude::*;

use crate::domain::FieldErrors;
use crate::offline::browser;

/// "Are you sure?" before something that cannot be undone: what will happen, then the
/// action and "Garder".
#[component]
pub fn Confirmation(
    id: &'static str,
    title: &'static str,
    text: String,
    confirm: &'static str,
    onconfirm: EventHandler<()>,
    onkeep: EventHandler<()>,
) -> Element {
    rsx! {
        div { class: "fr-alert fr-alert--warning confirmation", role: "alertdialog", "aria-labelledby": id,
            tabindex: "-1",
            // Asked where the question was, it shows in the middle of the screen, focused.
            onmounted: move |e| async move {
                let _ = e
                    .scroll_to_with_options(ScrollToOptions {
                        behavior: ScrollBehavior::Instant,
                        vertical: ScrollLogicalPosition::Center,
                        horizontal: ScrollLogicalPosition::Nearest,
                    })
                    .await;
                let _ = e.set_focus(true).await;
            },
            h2 { class: "fr-alert__title", id, "{title}" }
            p { "{text}" }
            div { class: "actions",
                button { r#type: "button", class: "fr-btn", onclick: move |_| onconfirm.call(()), "{confirm}" }
                button { r#type: "button", class: "fr-btn fr-btn--secondary",
                    onclick: move |_| onkeep.call(()), "Garder" }
            }
        }
    }
}

/// The id of the element that shows a field's error, for `aria-describedby`.
pub fn error_id(field: &str) -> String {
    format!("erreur-{field}")
}

/// The French message of one field, if any.
#[component]
pub fn FieldMessage(errors: ReadSignal<FieldErrors>, field: &'static str) -> Element {
    let errors = errors.read();
    match errors.get(field) {
        Some(message) => rsx! {
            p { class: "fr-error-text", id: error_id(field), "{message}" }
        },
        None => rsx! {},
    }
}

/// A labelled text input bound to a signal.
#[component]
pub fn TextField(
    id: &'static str,
    label: &'static str,
    value: Signal<String>,
    #[props(default = "text")] kind: &'static str,
    #[props(default = "")] autocomplete: &'static str,
    #[props(default = "")] hint: &'static str,
    /// Shown, not changeable (an invitation's address).
    #[props(default = false)]
    readonly: bool,
    errors: ReadSignal<FieldErrors>,
) -> Element {
    let invalid = errors.read().get(id).is_some();
    rsx! {
        div { class: if invalid { "fr-input-group fr-input-group--error" } else { "fr-input-group" },
            label { class: "fr-label", r#for: "{id}",
                "{label}"
                if !hint.is_empty() {
                    span { class: "fr-hint-text", "{hint}" }
                }
            }
            input {
                class: if invalid { "fr-input fr-input--error" } else { "fr-input" },
                id: "{id}",
                name: "{id}",
                r#type: "{kind}",
                autocomplete: "{autocomplete}",
                value: "{value}",
                readonly,
                "aria-invalid": if invalid { "true" },
                "aria-describedby": if invalid { error_id(id) },
                oninput: move |e| value.set(e.value()),
            }
            FieldMessage { errors, field: id }
        }
    }
}

/// A fieldset for one field of a form: its legend, its error state and message. The id
/// `champ-<field>` is where the focus goes when the field is wrong.
#[component]
pub fn Group(
    field: &'static str,
    legend: String,
    errors: ReadSignal<FieldErrors>,
    children: Element,
) -> Element {
    let invalid = errors.read().get(field).is_some();
    rsx! {
        fieldset {
            class: if invalid { "fr-fieldset groupe groupe--erreur" } else { "fr-fieldset groupe" },
            id: "champ-{field}",
            "aria-describedby": if invalid { error_id(field) },
            legend { class: "fr-fieldset__legend", "{legend}" }
            {children}
            FieldMessage { errors, field }
        }
    }
}

/// A group of mutually exclusive choices shown as large toggle buttons (one tap each).
#[component]
pub fn Choices(
    /// The field's name: the group's id and its error's key.
    field: &'static str,
    legend: String,
    options: Vec<(String, String)>,
    selected: Option<String>,
    on_select: EventHandler<String>,
    errors: ReadSignal<FieldErrors>,
    #[props(default = "choix")] class: &'static str,
) -> Element {
    let keys = use_tag_keys();
    let chosen = options
        .iter()
        .position(|(code, _)| selected.as_deref() == Some(code.as_str()));
    let count = options.len();
    rsx! {
        Group { field, legend: legend.clone(), errors,
            TagRow { field, label: legend, class, keys, count,
                for (index, (code, label)) in options.into_iter().enumerate() {
                    button {
                        key: "{code}",
                        r#type: "button",
                        class: "fr-tag",
                        tabindex: keys.tabindex(index, chosen),
                        onfocus: move |_| keys.reach(index),
                        "aria-pressed": if chosen == Some(index) { "true" } else { "false" },
                        onclick: {
                            let code = code.clone();
                            move |_| on_select.call(code.clone())
                        },
                        "{label}"
                    }
                }
            }
        }
    }
}

/// The keyboard's way through a row of tags (the WAI-ARIA toolbar pattern): the row is one
/// Tab stop — the tag last reached, else the first chosen, else the first — and the arrows,
/// Home and End move inside it. A record takes ~15 Tab presses instead of ~60.
#[derive(Clone, Copy, PartialEq)]
pub struct TagKeys {
    reached: Signal<Option<usize>>,
}

pub fn use_tag_keys() -> TagKeys {
    TagKeys {
        reached: use_signal(|| None),
    }
}

impl TagKeys {
    /// The `tabindex` of the `index`-th tag: "0" for the row's Tab stop, "-1" for the others.
    pub fn tabindex(&self, index: usize, chosen: Option<usize>) -> &'static str {
        let stop = self.reached.read().or(chosen).unwrap_or(0);
        if index == stop {
            "0"
        } else {
            "-1"
        }
    }

    /// The `index`-th tag got the focus (a Tab, an arrow, a tap): the row's stop from now on.
    pub fn reach(mut self, index: usize) {
        if *self.reached.peek() != Some(index) {
            self.reached.set(Some(index));
        }
    }
}

/// Where a key moves the focus in a row of `count` tags, from the `from`-th; `None` for a key
/// that is not a move (it keeps its usual meaning: Space and Enter press the tag).
pub fn arrow_target(key: &Key, from: usize, count: usize) -> Option<usize> {
    let last = count.checked_sub(1)?;
    match key {
        Key::ArrowRight | Key::ArrowDown => Some(if from >= last { 0 } else { from + 1 }),
        Key::ArrowLeft | Key::ArrowUp => Some(if from == 0 { last } else { from - 1 }),
        Key::Home => Some(0),
        Key::End => Some(last),
        _ => None,
    }
}

/// The tags of one field, one Tab stop with the arrows inside (see `TagKeys`).
#[component]
pub fn TagRow(
    field: &'static str,
    label: String,
    #[props(default = "choix")] class: &'static str,
    keys: TagKeys,
    count: usize,
    children: Element,
) -> Element {
    let id = format!("choix-{field}");
    rsx! {
        div {
            id: "{id}",
            class,
            role: "toolbar",
            "aria-label": "{label}",
            onkeydown: move |e: KeyboardEvent| {
                let from = keys.reached.peek().unwrap_or(0);
                if let Some(to) = arrow_target(&e.key(), from, count) {
                    e.prevent_default();
                    keys.reach(to);
                    browser::focus_nth(&id, "button.fr-tag", to);
                }
            },
            {children}
        }
    }
}

/// A number with − and + buttons.
#[component]
pub fn Stepper(
    id: String,
    label: String,
    value: i64,
    min: i64,
    max: i64,
    on_change: EventHandler<i64>,
) -> Element {
    rsx! {
        div { class: "stepper",
            label { class: "fr-label", r#for: "{id}", "{label}" }
            div { class: "stepper__controls",
                button {
                    r#type: "button",
                    class: "fr-btn fr-btn--secondary stepper__button",
                    // For the thumb: the keyboard's arrows change the number in its field.
                    tabindex: "-1",
                    "aria-label": "Diminuer : {label}",
                    disabled: value <= min,
                    onclick: move |_| on_change.call((value - 1).max(min)),
                    "−"
                }
                input {
                    class: "fr-input stepper__value",
                    id: "{id}",
                    r#type: "number",
                    inputmode: "numeric",
                    min: "{min}",
                    max: "{max}",
                    value: "{value}",
                    oninput: move |e| {
                        if let Ok(n) = e.value().trim().parse::<i64>() {
                            on_change.call(n);
                        }
                    },
                }
                button {
                    r#type: "button",
                    class: "fr-btn fr-btn--secondary stepper__button",
                    tabindex: "-1",
                    "aria-label": "Augmenter : {label}",
                    disabled: value >= max,
                    onclick: move |_| on_change.call((value + 1).min(max)),
                    "+"
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrows_move_inside_a_row_of_tags_and_wrap_around() {
        assert_eq!(arrow_target(&Key::ArrowRight, 0, 3), Some(1));
        assert_eq!(arrow_target(&Key::ArrowDown, 2, 3), Some(0));
        assert_eq!(arrow_target(&Key::ArrowLeft, 0, 3), Some(2));
        assert_eq!(arrow_target(&Key::ArrowUp, 2, 3), Some(1));
        assert_eq!(arrow_target(&Key::Home, 2, 3), Some(0));
        assert_eq!(arrow_target(&Key::End, 0, 3), Some(2));
    }

    #[test]
    fn other_keys_and_empty_rows_move_nothing() {
        assert_eq!(arrow_target(&Key::Enter, 1, 3), None);
        assert_eq!(arrow_target(&Key::Character(" ".into()), 1, 3), None);
        assert_eq!(arrow_target(&Key::Tab, 1, 3), None);
        assert_eq!(arrow_target(&Key::ArrowRight, 0, 0), None);
    }
}
