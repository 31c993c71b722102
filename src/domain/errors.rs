//! Validation messages, one per faulty field, in French: they are shown next to the field.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The input field's name, as in the wire format (`participants`, `commune`, …).
    pub field: String,
    pub message: String,
}

/// Every problem found in one input, in the order of the form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem; only the first message of a field is kept, as the form shows one.
    pub fn add(&mut self, field: impl AsRef<str>, message: impl Into<String>) {
        let field = field.as_ref();
        if self.get(field).is_none() {
            self.0.push(FieldError {
                field: field.to_owned(),
                message: message.into(),
            });
        }
    }

    pub fn get(&self, field: impl AsRef<str>) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field.as_ref())
            .map(|e| e.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing was recorded.
    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let messages: Vec<&str> = self.0.iter().map(|e| e.message.as_str()).collect();
        f.write_str(&messages.join(" "))
    }
}

/// Plural-aware French count: `personnes(1)` = "1 personne".
pub fn personnes(n: i64) -> String {
    if n.abs() <= 1 {
        format!("{n} personne")
    } else {
        format!("{n} personnes")
    }
}
