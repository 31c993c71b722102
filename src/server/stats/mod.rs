//! The figures: the counters every record changes (`counters`), a conseiller's own
//! statistics (`personal`), the national and régional ones (`national`), the downloads
//! (`exports`, their workbooks `workbook`), and the counters rebuilt from the records when out of step (`rebuild`).

pub mod counters;
pub mod exports;
pub mod national;
pub mod personal;
pub mod rebuild;
pub mod workbook;
