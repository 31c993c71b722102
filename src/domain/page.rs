//! Which page of a list someone asks for.

use super::errors::FieldErrors;

/// A page of a list, from 1, of `par_page` items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub par_page: u32,
}

impl PageRequest {
    pub const PAR_PAGE_DEFAULT: u32 = 50;
    pub const PAR_PAGE_MAX: u32 = 200;

    /// Page 1 and 50 items unless said otherwise; at most 200 items a page.
    pub fn parse(page: Option<u32>, par_page: Option<u32>) -> Result<Self, FieldErrors> {
        let par_page = par_page.unwrap_or(Self::PAR_PAGE_DEFAULT);
        let mut errors = FieldErrors::new();
        if !(1..=Self::PAR_PAGE_MAX).contains(&par_page) {
            errors.add(
                "par_page",
                format!(
                    "Le nombre d'accompagnements par page va de 1 à {}.",
                    Self::PAR_PAGE_MAX
                ),
            );
        }
        errors.into_result(|| PageRequest {
            page: page.unwrap_or(1).max(1),
            par_page,
        })
    }

    /// How many items come before this page.
    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.par_page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_1_to_200_items_from_page_1() {
        assert_eq!(
            PageRequest::parse(None, None),
            Ok(PageRequest {
                page: 1,
                par_page: 50
            })
        );
        assert_eq!(PageRequest::parse(Some(0), Some(200)).unwrap().page, 1);
        assert_eq!(PageRequest::parse(Some(3), Some(30)).unwrap().offset(), 60);
        assert_eq!(
            PageRequest::parse(Some(u32::MAX), Some(200))
                .unwrap()
                .offset(),
            858_993_458_800
        );
        for par_page in [0, 201] {
            let errors = PageRequest::parse(None, Some(par_page)).unwrap_err();
            assert!(errors.get("par_page").unwrap().contains("de 1 à 200"));
        }
    }
}
