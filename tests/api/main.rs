//! API tests: every test runs the real server binary, once on SQLite and once on Postgres.

mod helpers;

mod accompagnements;
mod accounts;
mod admission;
mod anonymat;
mod exports;
mod faults;
mod filtres_nationaux;
mod isolation;
mod national;
mod open_internet;
mod security;
mod statistiques;
mod structures;
mod validation;
