use super::*;
use crate::validate::{problem, Rule};

#[path = "../../tests/phone/cases.rs"]
mod table_of_cases;
use table_of_cases::cases;

fn shown(r: &Result<Phone, Refusal>) -> String {
    match r {
        Ok(p) => format!("{} {}", p.country_code, p.number),
        Err(e) => format!("{e:?}"),
    }
}

#[test]
fn the_table_of_cases() {
    let cases = cases();
    assert!(cases.len() >= 200, "{} cases", cases.len());
    let mut wrong = Vec::new();
    for (line, input, default, expected) in &cases {
        let got = parse(input, default.as_deref());
        if shown(&got) != *expected {
            wrong.push(format!("cases.tsv:{line}: {input:?} with {default:?}: expected {expected}, got {}", shown(&got)));
        }
        if let Ok(p) = &got {
            assert_eq!(problem(Rule::Phone, &p.number), None, "line {line}");
            assert_eq!(problem(Rule::CountryCode, &p.country_code), None, "line {line}");
        }
    }
    assert!(wrong.is_empty(), "{} of {} cases wrong:\n{}", wrong.len(), cases.len(), wrong.join("\n"));
}

#[test]
fn every_refusal_and_a_success_appear_in_the_cases() {
    let expected: Vec<String> = cases().into_iter().map(|c| c.3).collect();
    for r in [
        Refusal::Empty,
        Refusal::NotANumber,
        Refusal::NoCountryCode,
        Refusal::UnknownCountryCode,
        Refusal::BadDefaultCountryCode,
        Refusal::TooShort,
        Refusal::TooLong,
        Refusal::ExtraTrunkPrefix,
        Refusal::InvalidLength,
    ] {
        assert!(expected.contains(&format!("{r:?}")), "{r:?}");
    }
}

#[test]
fn the_table_is_ascending_and_decodes() {
    let mut at = 0u32;
    for &[delta, low, high] in table::CODES.iter() {
        assert!(delta > 0);
        at += u32::from(delta);
        let c = country(at as u16).expect("found");
        assert_ne!(c.lengths(), 0, "+{at}");
        assert!((c.bits >> 12) & 7 <= 4, "+{at}");
        assert_eq!(c.bits, u16::from_le_bytes([low, high]));
    }
    assert!(at < 1000);
    assert!(table::CODES.len() * 3 <= 1536, "the table is {} bytes", table::CODES.len() * 3);
}

#[test]
fn known_codes_and_trunks() {
    for (code, known) in
        [(1, true), (7, true), (44, true), (49, true), (86, true), (852, true), (490, false), (0, false), (28, false), (800, false)]
    {
        assert_eq!(country(code).is_some(), known, "+{code}");
    }
    assert_eq!(country(49).map(Country::trunk), Some(&[0u8][..]));
    assert_eq!(country(39).map(Country::trunk), Some(&[][..]), "Italy has no trunk prefix");
    assert_eq!(country(36).map(Country::trunk), Some(&[0u8, 6][..]));
    assert_eq!(country(1).map(Country::trunk), Some(&[1u8][..]));
    assert_eq!(country(7).map(|c| (c.trunk(), c.bits & 0x8000 != 0)), Some((&[8u8][..], true)));
}

/// A small deterministic generator (xorshift), so the sweep below is the same on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn random_inputs_never_panic_and_results_pass_the_rules() {
    // Every kind of character the scanner treats differently, and some it refuses.
    let alphabet: Vec<char> = "0123456789０１９٠٩۰۹+＋ -.()/（）\u{a0}\u{3000}\u{200b}\u{202a}ー—a#*😀é\u{0}\n".chars().collect();
    let defaults = [None, Some("+86"), Some("+1"), Some("+7"), Some("+44"), Some("+36"), Some("+250"), Some("+39"), Some("+490")];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut ok = 0;
    for _ in 0..200_000 {
        let len = (rng.next() % 30) as usize;
        let input: String = (0..len).map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize]).collect();
        let default = defaults[(rng.next() % defaults.len() as u64) as usize];
        if let Ok(p) = parse(&input, default) {
            ok += 1;
            assert_eq!(problem(Rule::Phone, &p.number), None, "{input:?}");
            assert_eq!(problem(Rule::CountryCode, &p.country_code), None, "{input:?}");
            // Read again as typed from the result, it is the same number.
            let again = parse(&format!("{} {}", p.country_code, p.number), None);
            assert_eq!(again.as_ref(), Ok(&p), "{input:?}");
        }
    }
    assert!(ok > 100, "only {ok} inputs were numbers: the sweep checks too little");
}

#[test]
fn every_number_of_every_length_round_trips() {
    // For each code and each of its lengths, a number of 5s (no trunk prefix starts with 5).
    let mut all = Vec::new();
    find_country(|c| {
        all.push(c);
        false
    });
    assert_eq!(all.len(), 211);
    for c in all {
        let at = c.code;
        for len in 1..=17 {
            let number = "5".repeat(len);
            let input = format!("+{at} {number}");
            let got = parse(&input, None);
            match got {
                Ok(p) => {
                    assert!(c.possible(len), "{input}");
                    assert_eq!((p.country_code, p.number), (format!("+{at}"), number));
                }
                Err(e) => assert!(
                    !c.possible(len) && matches!(e, Refusal::TooShort | Refusal::TooLong | Refusal::InvalidLength),
                    "{input}: {e:?}"
                ),
            }
        }
    }
}
