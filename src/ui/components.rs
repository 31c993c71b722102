//! Small widgets shared by the pages.

use dioxus::prelude::*;

use crate::domain::FieldErrors;

/// The French message of one field, linked to its control by `id` (`erreur-<field>`).
#[component]
pub fn FieldMessage(errors: ReadSignal<FieldErrors>, field: &'static str) -> Element {
    let errors = errors.read();
    match errors.get(field) {
        Some(message) => rsx! {
            p { class: "erreur", id: "erreur-{field}", role: "alert", "{message}" }
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
    errors: ReadSignal<FieldErrors>,
) -> Element {
    let invalid = errors.read().get(id).is_some();
    rsx! {
        div { class: "champ",
            label { r#for: "{id}", "{label}" }
            input {
                id: "{id}",
                name: "{id}",
                r#type: "{kind}",
                autocomplete: "{autocomplete}",
                value: "{value}",
                "aria-invalid": "{invalid}",
                "aria-describedby": if invalid { "erreur-{id}" } else { "" },
                oninput: move |e| value.set(e.value()),
            }
            FieldMessage { errors, field: id }
        }
    }
}
