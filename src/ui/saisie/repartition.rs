//! How taps share the participants between age bands (or statuts).
//!
//! With one participant a tap picks the bucket. With a group, the first tap puts everyone in
//! that bucket; then −/+ move people between buckets, and the form says how many are left.

use std::collections::BTreeMap;

pub type Counts = BTreeMap<String, i64>;

/// People not yet in a bucket (negative: too many in buckets).
pub fn reste(counts: &Counts, participants: i64) -> i64 {
    participants - counts.values().sum::<i64>()
}

/// A tap on a bucket's chip.
pub fn tap(counts: &Counts, participants: i64, code: &str) -> Counts {
    let mut next = counts.clone();
    next.retain(|_, n| *n > 0);
    if participants <= 1 || next.is_empty() {
        return Counts::from([(code.to_owned(), participants.max(1))]);
    }
    if next.contains_key(code) {
        // A second tap empties the bucket; its people are "à répartir" again.
        next.remove(code);
        return next;
    }
    let left = reste(&next, participants);
    if left > 0 {
        next.insert(code.to_owned(), left);
    } else {
        move_one_into(&mut next, code);
    }
    next
}

/// "+" on a bucket: one more person there, taken from those left, else from the biggest bucket.
pub fn plus(counts: &Counts, participants: i64, code: &str) -> Counts {
    let mut next = counts.clone();
    if reste(&next, participants) > 0 {
        *next.entry(code.to_owned()).or_default() += 1;
    } else {
        move_one_into(&mut next, code);
    }
    next
}

/// "−" on a bucket: one person less there (now "à répartir").
pub fn minus(counts: &Counts, code: &str) -> Counts {
    let mut next = counts.clone();
    if let Some(n) = next.get_mut(code) {
        *n -= 1;
    }
    next.retain(|_, n| *n > 0);
    next
}

fn move_one_into(counts: &mut Counts, code: &str) {
    let biggest = counts
        .iter()
        .filter(|(c, n)| c.as_str() != code && **n > 0)
        .max_by_key(|(_, n)| **n)
        .map(|(c, _)| c.clone());
    if let Some(from) = biggest {
        *counts.get_mut(&from).expect("bucket exists") -= 1;
        *counts.entry(code.to_owned()).or_default() += 1;
        counts.retain(|_, n| *n > 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(pairs: &[(&str, i64)]) -> Counts {
        pairs.iter().map(|(c, n)| (c.to_string(), *n)).collect()
    }

    #[test]
    fn with_one_person_a_tap_picks_the_bucket() {
        let once = tap(&Counts::new(), 1, "plus_60");
        assert_eq!(once, counts(&[("plus_60", 1)]));
        assert_eq!(tap(&once, 1, "moins_12"), counts(&[("moins_12", 1)]));
    }

    #[test]
    fn with_a_group_the_first_tap_puts_everyone_in_the_bucket() {
        assert_eq!(
            tap(&Counts::new(), 8, "moins_12"),
            counts(&[("moins_12", 8)])
        );
    }

    #[test]
    fn a_workshop_of_8_is_split_3_and_5_in_six_taps() {
        let all = tap(&Counts::new(), 8, "moins_12");
        let mut split = tap(&all, 8, "de_12_a_18");
        assert_eq!(split, counts(&[("de_12_a_18", 1), ("moins_12", 7)]));
        for _ in 0..4 {
            split = plus(&split, 8, "de_12_a_18");
        }
        assert_eq!(split, counts(&[("de_12_a_18", 5), ("moins_12", 3)]));
        assert_eq!(reste(&split, 8), 0);
    }

    #[test]
    fn minus_leaves_people_to_share_and_plus_takes_them_back() {
        let split = counts(&[("de_12_a_18", 5), ("moins_12", 3)]);
        let less = minus(&split, "de_12_a_18");
        assert_eq!(reste(&less, 8), 1);
        assert_eq!(
            plus(&less, 8, "plus_60"),
            counts(&[("de_12_a_18", 4), ("moins_12", 3), ("plus_60", 1)])
        );
        assert_eq!(
            minus(&counts(&[("moins_12", 1)]), "moins_12"),
            Counts::new()
        );
    }

    #[test]
    fn tapping_a_filled_bucket_of_a_group_empties_it() {
        let split = counts(&[("de_12_a_18", 5), ("moins_12", 3)]);
        let emptied = tap(&split, 8, "moins_12");
        assert_eq!(emptied, counts(&[("de_12_a_18", 5)]));
        assert_eq!(
            tap(&emptied, 8, "plus_60"),
            counts(&[("de_12_a_18", 5), ("plus_60", 3)])
        );
    }
}
