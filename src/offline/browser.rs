//! The browser services the pages need, through `web-sys` (typed, checked by the compiler).
//! Every function is a no-op (or fails) outside the browser: pages also render on the server.

use std::time::Duration;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::js::{in_browser, PhoneError};

fn window() -> Option<web_sys::Window> {
    in_browser().ok()?;
    web_sys::window()
}

fn document() -> Option<web_sys::Document> {
    window()?.document()
}

/// Waits `duration` (the browser's timer); returns at once outside the browser.
pub async fn sleep(duration: Duration) {
    if in_browser().is_ok() {
        let ms = u32::try_from(duration.as_millis()).unwrap_or(u32::MAX);
        gloo_timers::future::TimeoutFuture::new(ms).await;
    }
}

/// The page's address within the site: path and query ("/statistiques?du=…"); empty outside
/// the browser.
pub fn address() -> String {
    let Some(location) = window().map(|w| w.location()) else {
        return String::new();
    };
    let path = location.pathname().unwrap_or_default();
    let query = location.search().unwrap_or_default();
    format!("{path}{query}")
}

/// Selects the text of the input `id` (a link to copy).
pub fn select_all(id: &str) {
    let input = document()
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
    if let Some(input) = input {
        input.select();
    }
}

/// Where the site is ("https://conum.example"); empty outside the browser.
pub fn origin() -> String {
    window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// Waits until the browser has painted what the page shows now (the next frame, then the task
/// after it): work done after this never delays that paint. Returns at once outside the browser.
pub async fn after_next_paint() {
    let Some(window) = window() else { return };
    let painted = js_sys::Promise::new(&mut |resolve, _| {
        let timer = window.clone();
        let after_frame = Closure::once_into_js(move || {
            let _ = timer.set_timeout_with_callback(&resolve);
        });
        let _ = window.request_animation_frame(after_frame.unchecked_ref());
    });
    let _ = JsFuture::from(painted).await;
}

/// Whether `event` (a `pointerup`) is a finger or a pen lifted over the element it pressed:
/// a tap, which the browser turns into a `click` only after a round trip to its own process
/// (8–10 ms with the CPU 4× slower). A mouse, another button or a finger lifted elsewhere is
/// not one; a finger that scrolled the page ends in `pointercancel`, never here.
pub fn finger_lifted_on_target(event: &dioxus::html::PointerData) -> bool {
    let Some(raw) = event.downcast::<web_sys::PointerEvent>() else {
        return false;
    };
    if raw.pointer_type() == "mouse" || !raw.is_primary() || raw.button() != 0 {
        return false;
    }
    let Some(pressed) = raw
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
    else {
        return false;
    };
    let under =
        document().and_then(|d| d.element_from_point(raw.client_x() as f32, raw.client_y() as f32));
    // Asked even with nothing under the finger (false): the rehearsal, lifted off-screen,
    // then runs this too.
    pressed.contains(under.as_deref())
}

/// Sends a finger's `pointerup` and `touchend` through the handlers of the element `selector`
/// names, lifted outside the screen: over no element, so [`finger_lifted_on_target`] says it
/// is no tap and nothing is done (nor cancelled). The browser compiles each wasm function at
/// its first call: this way the first tap on "Enregistrer" does not wait for the code of the
/// finger's events to be compiled.
pub fn rehearse_finger_lift(selector: &str) {
    let Some(target) = document().and_then(|d| d.query_selector(selector).ok().flatten()) else {
        return;
    };
    let init = web_sys::PointerEventInit::new();
    init.set_bubbles(true);
    init.set_pointer_type("touch");
    init.set_is_primary(true);
    init.set_client_x(-1);
    init.set_client_y(-1);
    if let Ok(lift) = web_sys::PointerEvent::new_with_event_init_dict("pointerup", &init) {
        let _ = target.dispatch_event(&lift);
    }
    let touch = web_sys::TouchEventInit::new();
    touch.set_bubbles(true);
    touch.set_cancelable(true);
    if let Ok(lift) = web_sys::TouchEvent::new_with_event_init_dict("touchend", &touch) {
        let _ = target.dispatch_event(&lift);
        // Once dispatched, cancelling it does nothing; the code a save's touch runs to cancel
        // its click is compiled.
        lift.prevent_default();
    }
}

/// Tells tests (and CSS) that the page is hydrated and answers taps: `html[data-pret="1"]`.
pub fn mark_ready() {
    if let Some(root) = document()
        .and_then(|d| d.document_element())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = root.dataset().set("pret", "1");
    }
}

/// Moves the keyboard focus to the first control inside the element with this id.
pub fn focus_first_control(container_id: &str) {
    let Some(container) = document().and_then(|d| d.get_element_by_id(container_id)) else {
        return;
    };
    let target = if container.matches("input,button,textarea").unwrap_or(false) {
        Some(container)
    } else {
        container
            .query_selector("input,button,textarea")
            .ok()
            .flatten()
    };
    if let Some(target) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = target.focus();
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Center);
        target.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// Moves the keyboard focus to the `index`-th element matching `selector` inside the element
/// with this id (a row of tags' arrows).
pub fn focus_nth(container_id: &str, selector: &str, index: usize) {
    let target = document()
        .and_then(|d| d.get_element_by_id(container_id))
        .and_then(|container| container.query_selector_all(selector).ok())
        .and_then(|all| all.item(u32::try_from(index).ok()?))
        .and_then(|node| node.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(target) = target {
        let _ = target.focus();
    }
}

/// Scrolls the element with this id to the top of its scrolling area.
pub fn bring_to_top(id: &str) {
    if let Some(element) = document().and_then(|d| d.get_element_by_id(id)) {
        element.scroll_into_view();
    }
}

/// Whether the element with this id has reached the screen: on it, or above it (passed).
pub fn reached_screen(id: &str) -> bool {
    let (Some(window), Some(element)) =
        (window(), document().and_then(|d| d.get_element_by_id(id)))
    else {
        return false;
    };
    let screen = window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or_default();
    element.get_bounding_client_rect().top() < screen
}

/// Waits until something scrolls (the page or any element in it: the phone frame scrolls its
/// `main`) or the screen changes size. Returns at once outside the browser.
pub async fn until_scrolled() {
    const EVENTS: [&str; 2] = ["scroll", "resize"];
    let Some(window) = window() else { return };
    let options = web_sys::AddEventListenerOptions::new();
    // Scroll events do not bubble: the window hears an element's in the capture phase.
    options.set_capture(true);
    options.set_passive(true);
    let mut listener = None;
    let moved = js_sys::Promise::new(&mut |resolve, _| {
        for event in EVENTS {
            let _ = window.add_event_listener_with_callback_and_add_event_listener_options(
                event, &resolve, &options,
            );
        }
        listener = Some(resolve);
    });
    let _ = JsFuture::from(moved).await;
    if let Some(listener) = listener {
        for event in EVENTS {
            let _ = window.remove_event_listener_with_callback_and_bool(event, &listener, true);
        }
    }
}

/// Runs `run` each time the browser is about to print the page (the button, the browser's
/// menu), before it lays the page out for print.
pub fn on_before_print(run: fn()) {
    if let Some(window) = window() {
        let listener = Closure::<dyn FnMut()>::new(run);
        let _ = window
            .add_event_listener_with_callback("beforeprint", listener.as_ref().unchecked_ref());
        // Listens for the page's whole life.
        listener.forget();
    }
}

/// Prints the page; browsers name the PDF after the document's title, so it is `title` then.
pub fn print_as(title: &str) {
    let (Some(window), Some(document)) = (window(), document()) else {
        return;
    };
    let before = document.title();
    document.set_title(title);
    let _ = window.print();
    document.set_title(&before);
}

/// Offers `text` as a file download named `filename`.
pub fn download(filename: &str, mime: &str, text: &str) -> Result<(), PhoneError> {
    let document = document().ok_or_else(|| PhoneError("pas de document".into()))?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    link.set_href(&url);
    link.set_download(filename);
    link.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}

/// Downloads a text file of the app (from the service worker's cache when it has it).
pub async fn fetch_text(url: &str) -> Result<String, PhoneError> {
    let window = window().ok_or_else(|| PhoneError("pas de navigateur".into()))?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await?
        .unchecked_into();
    if !response.ok() {
        return Err(PhoneError(format!("{url}: HTTP {}", response.status())));
    }
    let text = JsFuture::from(response.text()?).await?;
    text.as_string()
        .ok_or_else(|| PhoneError(format!("{url}: pas du texte")))
}

thread_local! {
    /// The scripts added to the page, each loaded once: later callers wait on the same load.
    static SCRIPTS: std::cell::RefCell<std::collections::HashMap<String, js_sys::Promise>> =
        Default::default();
}

/// Adds `<script src=url>` to the page once and waits until it ran.
pub async fn load_script(url: &str) -> Result<(), PhoneError> {
    let document = document().ok_or_else(|| PhoneError("pas de document".into()))?;
    let known = SCRIPTS.with(|s| s.borrow().get(url).cloned());
    let loaded = match known {
        Some(loaded) => loaded,
        None => {
            let script: web_sys::HtmlScriptElement =
                document.create_element("script")?.unchecked_into();
            let loaded = js_sys::Promise::new(&mut |resolve, reject| {
                script.set_onload(Some(&resolve));
                script.set_onerror(Some(&reject));
            });
            script.set_src(url);
            document
                .head()
                .ok_or_else(|| PhoneError("pas de <head>".into()))?
                .append_child(&script)?;
            SCRIPTS.with(|s| s.borrow_mut().insert(url.to_owned(), loaded.clone()));
            loaded
        }
    };
    JsFuture::from(loaded).await?;
    Ok(())
}
