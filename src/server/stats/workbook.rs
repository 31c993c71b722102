//! The exports as workbooks (`.xlsx`): the same tables as the CSVs (`domain::export`), with
//! typed cells (dates as dates, counts as numbers, shares as percentages), each table's
//! heading row in bold and frozen. The records' sheet is written in constant memory: its rows
//! go to a temporary file as the pages of records come, and the finished file goes to the
//! client as it is zipped.

use std::io::Write;

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::domain::export::{self, Cell, ExportedRecord, Table};
use crate::domain::Profil;

/// The media type of a workbook.
pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Rows of a sheet: past them, the records go on in a new sheet.
const SHEET_ROWS: u32 = 1_048_576;

/// The formats of typed cells, as French spreadsheets show them.
struct Styles {
    heading: Format,
    date: Format,
    moment: Format,
    percent: Format,
}

impl Styles {
    fn new() -> Self {
        Styles {
            heading: Format::new().set_bold(),
            date: Format::new().set_num_format("dd/mm/yyyy"),
            moment: Format::new().set_num_format("dd/mm/yyyy hh:mm"),
            percent: Format::new().set_num_format("0.0%"),
        }
    }
}

fn write_cell(
    sheet: &mut Worksheet,
    styles: &Styles,
    row: u32,
    col: u16,
    cell: &Cell,
) -> Result<(), XlsxError> {
    match cell {
        // A text cell is text for a spreadsheet, whatever it starts with: no formula.
        Cell::Text(text) => sheet.write_string(row, col, text)?,
        Cell::Count(n) => sheet.write_number(row, col, *n as f64)?,
        Cell::Percent(share) => {
            sheet.write_number_with_format(row, col, share / 100.0, &styles.percent)?
        }
        Cell::Date(day) => sheet.write_datetime_with_format(row, col, day, &styles.date)?,
        Cell::Moment(moment) => {
            let paris = moment
                .with_timezone(&chrono_tz::Europe::Paris)
                .naive_local();
            sheet.write_datetime_with_format(row, col, paris, &styles.moment)?
        }
        Cell::Empty => sheet,
    };
    Ok(())
}

fn write_heading(
    sheet: &mut Worksheet,
    styles: &Styles,
    row: u32,
    header: &[String],
) -> Result<(), XlsxError> {
    for (col, text) in (0u16..).zip(header) {
        sheet.write_string_with_format(row, col, text, &styles.heading)?;
        // Wide enough for the heading, within reason.
        let width = text.chars().count().clamp(10, 40) as f64 + 2.0;
        sheet.set_column_width(col, width)?;
    }
    Ok(())
}

/// A sheet's name from a table's title: at most 31 characters, none of `[]:*?/\`, unique in
/// the workbook (Excel refuses the file otherwise).
fn sheet_name(title: &str, taken: &[String]) -> String {
    let clean: String = title
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c })
        .collect();
    let base: String = clean.trim().chars().take(31).collect();
    let mut name = base.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        let suffix = format!(" ({n})");
        name = base
            .chars()
            .take(31 - suffix.chars().count())
            .collect::<String>()
            + &suffix;
        n += 1;
    }
    name
}

/// The statistics: a sheet per table (the key figures, then each section), the statistics'
/// heading line above each table, its heading row frozen.
pub fn stats(heading: &str, tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let styles = Styles::new();
    let mut book = Workbook::new();
    let mut names = Vec::new();
    for table in tables {
        let name = sheet_name(&table.title, &names);
        let sheet = book.add_worksheet();
        sheet.set_name(&name)?;
        names.push(name);
        sheet.write_string(0, 0, heading)?;
        sheet.write_string_with_format(1, 0, &table.title, &styles.heading)?;
        write_heading(sheet, &styles, 2, &table.header)?;
        for (row, cells) in (3u32..).zip(&table.rows) {
            for (col, cell) in (0u16..).zip(cells) {
                write_cell(sheet, &styles, row, col, cell)?;
            }
        }
        sheet.set_freeze_panes(3, 0)?;
    }
    book.save_to_buffer()
}

/// The records of an export, written as they come: [`RecordsBook::add`] each page in order,
/// then [`RecordsBook::finish`].
pub struct RecordsBook {
    book: Workbook,
    styles: Styles,
    /// The sheet being filled (its index in the book) and its next row.
    sheet: usize,
    row: u32,
    sheets: Vec<String>,
}

/// The name of the records' sheet.
const RECORDS_SHEET: &str = "Accompagnements";

impl RecordsBook {
    /// A workbook of records; with "Mon profil" first when `profil` is given ("Télécharger mes
    /// données").
    pub fn new(profil: Option<&Profil>) -> Result<Self, XlsxError> {
        let styles = Styles::new();
        let mut book = Workbook::new();
        let mut sheets = Vec::new();
        if let Some(profil) = profil {
            let sheet = book.add_worksheet();
            sheet.set_name(export::PROFILE_TITLE)?;
            write_heading(
                sheet,
                &styles,
                0,
                &[export::PROFILE_TITLE.to_owned(), String::new()],
            )?;
            for (row, [label, value]) in (1u32..).zip(export::profile_rows(profil)) {
                sheet.write_string(row, 0, label)?;
                sheet.write_string(row, 1, value)?;
            }
            sheet.set_column_width(0, 26)?;
            sheet.set_column_width(1, 40)?;
            sheets.push(export::PROFILE_TITLE.to_owned());
        }
        let mut records = RecordsBook {
            book,
            styles,
            sheet: 0,
            row: 0,
            sheets,
        };
        records.new_sheet()?;
        Ok(records)
    }

    fn new_sheet(&mut self) -> Result<(), XlsxError> {
        let name = sheet_name(RECORDS_SHEET, &self.sheets);
        let sheet = self.book.add_worksheet_with_constant_memory()?;
        sheet.set_name(&name)?;
        // Set before any row: a sheet in constant memory writes its settings first.
        sheet.set_freeze_panes(1, 0)?;
        write_heading(sheet, &self.styles, 0, &export::records_header())?;
        self.sheets.push(name);
        self.sheet = self.sheets.len() - 1;
        self.row = 1;
        Ok(())
    }

    /// Writes the next records, in the order they are given.
    pub fn add(&mut self, records: &[ExportedRecord]) -> Result<(), XlsxError> {
        for record in records {
            if self.row == SHEET_ROWS {
                self.new_sheet()?;
            }
            let sheet = self.book.worksheet_from_index(self.sheet)?;
            for (col, cell) in (0u16..).zip(export::record_cells(record)) {
                write_cell(sheet, &self.styles, self.row, col, &cell)?;
            }
            self.row += 1;
        }
        Ok(())
    }

    /// Zips the workbook into `out`, as it goes.
    pub fn finish(mut self, out: impl Write + Send) -> Result<(), XlsxError> {
        self.book.save_to_writer(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_what_excel_accepts_and_unique() {
        let taken = vec!["Accompagnements".to_owned()];
        assert_eq!(sheet_name("Accompagnements", &taken), "Accompagnements (2)");
        assert_eq!(
            sheet_name("Lieux : communes [top] / 10?", &[]),
            "Lieux   communes  top    10"
        );
        let long = "Évolution des accompagnements sur la période choisie";
        let name = sheet_name(long, &[]);
        assert_eq!(name.chars().count(), 31);
        let again = sheet_name(long, std::slice::from_ref(&name));
        assert_eq!(again.chars().count(), 31);
        assert!(again.ends_with(" (2)"));
    }
}
