//! Input validation for the identity data a membership app collects: mainland resident ID
//! numbers, unified social credit codes, mobile phone numbers, person names and passwords.
//!
//! Every validator is pure (the current date is an argument, never read from the clock), so
//! the server, the offline store and tests all get the same answer for the same input.
//! Validators return normalised newtypes; holding one is proof the value passed validation.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, Result};

// ---------------------------------------------------------------------------------------
// Error codes
// ---------------------------------------------------------------------------------------

pub const ID_NUMBER_LENGTH: DomainError = DomainError::new(
    "IdNumberLength",
    "身份证号码应为18位",
    "ID number must be 18 characters long",
);
pub const ID_NUMBER_CHARACTERS: DomainError = DomainError::new(
    "IdNumberCharacters",
    "身份证号码只能由数字组成，最后一位可以是X",
    "ID number must consist of digits; only the last character may be X",
);
pub const ID_NUMBER_REGION: DomainError = DomainError::new(
    "IdNumberRegion",
    "身份证号码的地区码无效",
    "ID number has an unknown region code",
);
pub const ID_NUMBER_BIRTH_DATE: DomainError = DomainError::new(
    "IdNumberBirthDate",
    "身份证号码中的出生日期无效",
    "ID number contains an invalid birth date",
);
pub const ID_NUMBER_CHECK_CHAR: DomainError = DomainError::new(
    "IdNumberCheckChar",
    "身份证号码校验位不正确，请检查是否输错",
    "ID number check character does not match; please check for typos",
);

pub const CREDIT_CODE_LENGTH: DomainError = DomainError::new(
    "CreditCodeLength",
    "统一社会信用代码应为18位",
    "Unified social credit code must be 18 characters long",
);
pub const CREDIT_CODE_CHARACTERS: DomainError = DomainError::new(
    "CreditCodeCharacters",
    "统一社会信用代码只能包含数字和大写字母（不含I、O、S、V、Z）",
    "Unified social credit code may only contain digits and capital letters other than I, O, S, V, Z",
);
pub const CREDIT_CODE_CHECK_CHAR: DomainError = DomainError::new(
    "CreditCodeCheckChar",
    "统一社会信用代码校验位不正确，请检查是否输错",
    "Unified social credit code check character does not match; please check for typos",
);

pub const PHONE_EMPTY: DomainError = DomainError::new(
    "PhoneEmpty",
    "请填写手机号码",
    "Mobile phone number is required",
);
pub const PHONE_LENGTH: DomainError = DomainError::new(
    "PhoneLength",
    "手机号码应为11位数字",
    "Mobile phone number must have 11 digits",
);
pub const PHONE_FORMAT: DomainError = DomainError::new(
    "PhoneFormat",
    "手机号码格式不正确，应为以13至19开头的中国大陆手机号码",
    "Mobile phone number must be a mainland China number starting with 13 to 19",
);

pub const NAME_EMPTY: DomainError = DomainError::new("NameEmpty", "请填写姓名", "Name is required");
pub const NAME_TOO_SHORT: DomainError = DomainError::new(
    "NameTooShort",
    "姓名至少需要2个字",
    "Name must be at least 2 characters long",
);
pub const NAME_TOO_LONG: DomainError = DomainError::new(
    "NameTooLong",
    "姓名过长：中文姓名最多20个字，英文姓名最多50个字符",
    "Name is too long: at most 20 Chinese characters or 50 Latin characters",
);
pub const NAME_CHARACTERS: DomainError = DomainError::new(
    "NameCharacters",
    "姓名只能使用汉字（可含间隔号“·”）或英文字母，不能包含数字，也不能中英文混用",
    "Name must use Chinese characters (optionally with the middle dot \"·\") or Latin letters, without digits or mixed scripts",
);

pub const PASSWORD_TOO_SHORT: DomainError = DomainError::new(
    "PasswordTooShort",
    "密码至少需要8位",
    "Password must be at least 8 characters long",
);
pub const PASSWORD_TOO_LONG: DomainError = DomainError::new(
    "PasswordTooLong",
    "密码最多64位",
    "Password must be at most 64 characters long",
);
pub const PASSWORD_TOO_WEAK: DomainError = DomainError::new(
    "PasswordTooWeak",
    "密码需同时包含字母和数字",
    "Password must contain at least one letter and one digit",
);

// ---------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------

/// A calendar date without time or time zone, e.g. a birth date or "today".
// Field order matters: the derived `Ord` compares year, then month, then day, which is
// chronological order for valid dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SimpleDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl SimpleDate {
    pub const fn new(year: i32, month: u32, day: u32) -> Self {
        Self { year, month, day }
    }

    /// True when the date exists in the proleptic Gregorian calendar.
    pub const fn is_valid(&self) -> bool {
        self.month >= 1 && self.month <= 12 && self.day >= 1 && self.day <= self.days_in_month()
    }

    /// Days in this date's month, or 0 when the month itself is out of range.
    pub const fn days_in_month(&self) -> u32 {
        match self.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if is_leap_year(self.year) => 29,
            2 => 28,
            _ => 0,
        }
    }
}

impl fmt::Display for SimpleDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

pub const fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

// ---------------------------------------------------------------------------------------
// Resident ID number (GB 11643-1999)
// ---------------------------------------------------------------------------------------

/// A validated 18-character resident ID number; a trailing check character is always `X`,
/// never `x`, so equal numbers compare equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String))]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(String);

impl IdNumber {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> SimpleDate {
        // Validation guarantees positions 6..14 are ASCII digits forming a valid date.
        let b = self.0.as_bytes();
        SimpleDate {
            year: digits_value(&b[6..10]) as i32,
            month: digits_value(&b[10..12]),
            day: digits_value(&b[12..14]),
        }
    }

    /// The 17th digit (the sequence number's last digit) is odd for men, even for women.
    pub fn is_male(&self) -> bool {
        self.0.as_bytes()[16] % 2 == 1
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for IdNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<IdNumber> for String {
    fn from(v: IdNumber) -> Self {
        v.0
    }
}

/// Stored and transmitted ID numbers were checked against the clock when they were first
/// entered. Re-checking "not in the future" on load would make reads depend on the reading
/// device's clock (a skewed offline tablet could reject good data), so deserialisation
/// checks everything except that one rule.
const FAR_FUTURE: SimpleDate = SimpleDate::new(9999, 12, 31);

impl TryFrom<String> for IdNumber {
    type Error = DomainError;

    fn try_from(s: String) -> Result<Self> {
        validate_id_number(&s, FAR_FUTURE)
    }
}

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Province-level codes in use, including Taiwan (71), Hong Kong (81) and Macao (82),
/// whose residents can hold mainland-format numbers (residence permits).
const PROVINCE_CODES: [u32; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

/// Check character (ISO 7064 MOD 11-2) for the first 17 digits of an ID number, or `None`
/// when the input is not exactly 17 ASCII digits. Demo-data generators use this to produce
/// numbers that pass validation.
pub fn id_number_check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    ID_CHECK_CHARS.get((sum % 11) as usize).copied()
}

/// Validates a resident ID number. Surrounding whitespace is ignored and a lowercase `x`
/// is accepted, because both are common when numbers are typed or pasted. `today` bounds
/// the birth date so the function stays pure.
///
/// Rules are checked from the cheapest/most obvious mistake to the subtlest, so the error
/// names the first thing a person should fix.
pub fn validate_id_number(s: &str, today: SimpleDate) -> Result<IdNumber> {
    let s = s.trim();
    if s.chars().count() != 18 {
        return Err(ID_NUMBER_LENGTH);
    }
    let normalised = s.to_ascii_uppercase();
    let b = normalised.as_bytes();
    // 18 chars in `s` and 18 bytes here means every char is ASCII.
    if b.len() != 18
        || !b[..17].iter().all(u8::is_ascii_digit)
        || !(b[17].is_ascii_digit() || b[17] == b'X')
    {
        return Err(ID_NUMBER_CHARACTERS);
    }

    let province = digits_value(&b[0..2]);
    if !PROVINCE_CODES.contains(&province) || &b[2..6] == b"0000" {
        return Err(ID_NUMBER_REGION);
    }

    let birth = SimpleDate {
        year: digits_value(&b[6..10]) as i32,
        month: digits_value(&b[10..12]),
        day: digits_value(&b[12..14]),
    };
    if !birth.is_valid() || birth.year < 1900 || birth > today {
        return Err(ID_NUMBER_BIRTH_DATE);
    }

    if id_number_check_char(&normalised[..17]) != Some(char::from(b[17])) {
        return Err(ID_NUMBER_CHECK_CHAR);
    }
    Ok(IdNumber(normalised))
}

/// Decimal value of a run of ASCII digits; callers have already checked the bytes, and
/// runs are at most 4 digits so this cannot overflow.
fn digits_value(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0, |acc, d| acc * 10 + u32::from(d.wrapping_sub(b'0')))
}

// ---------------------------------------------------------------------------------------
// Unified social credit code (GB 32100-2015)
// ---------------------------------------------------------------------------------------

/// A validated unified social credit code, always upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String))]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

impl CreditCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for CreditCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<CreditCode> for String {
    fn from(v: CreditCode) -> Self {
        v.0
    }
}

impl TryFrom<String> for CreditCode {
    type Error = DomainError;

    fn try_from(s: String) -> Result<Self> {
        validate_credit_code(&s)
    }
}

/// The standard drops I, O, S, V and Z because they are easily confused with 1, 0, 5, U
/// and 2; a character's position in this string is its numeric value.
const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn credit_value(c: char) -> Option<u32> {
    let c = c.to_ascii_uppercase();
    if !c.is_ascii() {
        return None;
    }
    CREDIT_ALPHABET
        .iter()
        .position(|&a| char::from(a) == c)
        .map(|p| p as u32)
}

/// Check character for the first 17 characters of a credit code (case-insensitive), or
/// `None` when the input is not exactly 17 characters of the code alphabet.
pub fn credit_code_check_char(first17: &str) -> Option<char> {
    if first17.chars().count() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.chars().zip(CREDIT_WEIGHTS) {
        sum += credit_value(c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    CREDIT_ALPHABET.get(check as usize).map(|&b| char::from(b))
}

/// Validates a unified social credit code. Whitespace around the code is ignored and lower
/// case is accepted, since codes are often copied from licences or typed by hand.
pub fn validate_credit_code(s: &str) -> Result<CreditCode> {
    let s = s.trim();
    if s.chars().count() != 18 {
        return Err(CREDIT_CODE_LENGTH);
    }
    if !s.chars().all(|c| credit_value(c).is_some()) {
        return Err(CREDIT_CODE_CHARACTERS);
    }
    // Every char is now ASCII, so byte slicing is on char boundaries.
    let normalised = s.to_ascii_uppercase();
    let expected = credit_code_check_char(&normalised[..17]);
    if expected != normalised[17..].chars().next() {
        return Err(CREDIT_CODE_CHECK_CHAR);
    }
    Ok(CreditCode(normalised))
}

// ---------------------------------------------------------------------------------------
// Mobile phone
// ---------------------------------------------------------------------------------------

/// A mainland China mobile number as 11 bare digits, so the same number entered as
/// "+86 138-1411-9776" and "13814119776" is one value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String))]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Phone {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<Phone> for String {
    fn from(v: Phone) -> Self {
        v.0
    }
}

impl TryFrom<String> for Phone {
    type Error = DomainError;

    fn try_from(s: String) -> Result<Self> {
        validate_phone(&s)
    }
}

/// Validates a mainland mobile number, accepting the "+86"/"86" country prefix and the
/// spaces or hyphens people use to group digits.
pub fn validate_phone(s: &str) -> Result<Phone> {
    let compact: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if compact.is_empty() {
        return Err(PHONE_EMPTY);
    }
    // A bare mainland number starts with 1, so a leading "86" can only be the country code.
    let digits = compact
        .strip_prefix("+86")
        .or_else(|| compact.strip_prefix("86"))
        .unwrap_or(&compact);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PHONE_FORMAT);
    }
    if digits.len() != 11 {
        return Err(PHONE_LENGTH);
    }
    let b = digits.as_bytes();
    if b[0] != b'1' || !(b'3'..=b'9').contains(&b[1]) {
        return Err(PHONE_FORMAT);
    }
    Ok(Phone(digits.to_owned()))
}

// ---------------------------------------------------------------------------------------
// Person names
// ---------------------------------------------------------------------------------------

/// A validated person name: either Chinese characters (with `·` between parts) or Latin
/// letters with single spaces between words.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String))]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

impl PersonName {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for names written in Chinese characters, which are masked and sorted
    /// differently from Latin names.
    pub fn is_chinese(&self) -> bool {
        self.0.chars().any(is_cjk)
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for PersonName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<PersonName> for String {
    fn from(v: PersonName) -> Self {
        v.0
    }
}

impl TryFrom<String> for PersonName {
    type Error = DomainError;

    fn try_from(s: String) -> Result<Self> {
        validate_name(&s)
    }
}

pub const CHINESE_NAME_MIN_CHARS: usize = 2;
pub const CHINESE_NAME_MAX_CHARS: usize = 20;
pub const LATIN_NAME_MIN_CHARS: usize = 2;
pub const LATIN_NAME_MAX_CHARS: usize = 50;

/// The standard separator in transliterated minority and foreign names, e.g. 买买提·艾力.
pub const NAME_MIDDLE_DOT: char = '\u{00B7}';

/// Input methods and fonts produce several look-alike dots; they are all the same
/// separator to the person typing, so they are stored as the standard U+00B7.
fn is_middle_dot_variant(c: char) -> bool {
    matches!(
        c,
        '\u{00B7}' | '\u{2022}' | '\u{2027}' | '\u{2219}' | '\u{22C5}' | '\u{30FB}' | '\u{FF65}'
    )
}

/// CJK ideographs, including the extension blocks: rare characters in real names
/// (e.g. 㛃, 𠇔) live there, and rejecting them would lock people out of their own name.
/// U+3007 〇 is included because it appears in registered names.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3007}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2A6DF}'
        | '\u{2A700}'..='\u{2EBEF}'
        | '\u{2F800}'..='\u{2FA1F}'
        | '\u{30000}'..='\u{323AF}')
}

fn is_latin_name_char(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, ' ' | '-' | '\'' | '.')
}

/// Validates a person name. Chinese names allow only ideographs and the middle dot;
/// Latin names allow ASCII letters, spaces, hyphens, apostrophes and periods. Mixing the
/// two scripts or using digits is rejected because such entries are almost always typos
/// or placeholders ("张三1", "test").
pub fn validate_name(s: &str) -> Result<PersonName> {
    let s = s.trim();
    if s.is_empty() {
        return Err(NAME_EMPTY);
    }
    if s.chars().any(is_cjk) {
        validate_chinese_name(s)
    } else {
        validate_latin_name(s)
    }
}

fn validate_chinese_name(s: &str) -> Result<PersonName> {
    let mut out = String::with_capacity(s.len());
    let mut prev_was_dot = true; // so a leading dot is rejected
    for c in s.chars() {
        if is_cjk(c) {
            out.push(c);
            prev_was_dot = false;
        } else if is_middle_dot_variant(c) && !prev_was_dot {
            out.push(NAME_MIDDLE_DOT);
            prev_was_dot = true;
        } else {
            return Err(NAME_CHARACTERS);
        }
    }
    if prev_was_dot {
        return Err(NAME_CHARACTERS); // trailing dot
    }
    check_name_length(out, CHINESE_NAME_MIN_CHARS, CHINESE_NAME_MAX_CHARS)
}

fn validate_latin_name(s: &str) -> Result<PersonName> {
    // Collapse runs of whitespace so "John  Smith" and "John Smith" are the same name.
    let out = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if !out.chars().all(is_latin_name_char) {
        return Err(NAME_CHARACTERS);
    }
    // A name made only of punctuation (e.g. "--") is not a name.
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(NAME_CHARACTERS);
    }
    check_name_length(out, LATIN_NAME_MIN_CHARS, LATIN_NAME_MAX_CHARS)
}

fn check_name_length(name: String, min: usize, max: usize) -> Result<PersonName> {
    let n = name.chars().count();
    if n < min {
        Err(NAME_TOO_SHORT)
    } else if n > max {
        Err(NAME_TOO_LONG)
    } else {
        Ok(PersonName(name))
    }
}

// ---------------------------------------------------------------------------------------
// Passwords
// ---------------------------------------------------------------------------------------

pub const PASSWORD_MIN_CHARS: usize = 8;
pub const PASSWORD_MAX_CHARS: usize = 64;

/// Checks the password policy. The password is not trimmed: spaces are legitimate
/// password characters, and silently changing what the user typed would lock them out.
/// Letters and digits are ASCII because "letter" must mean the same on every keyboard.
pub fn validate_password(s: &str) -> Result<()> {
    let n = s.chars().count();
    if n < PASSWORD_MIN_CHARS {
        return Err(PASSWORD_TOO_SHORT);
    }
    if n > PASSWORD_MAX_CHARS {
        return Err(PASSWORD_TOO_LONG);
    }
    let has_letter = s.chars().any(|c| c.is_ascii_alphabetic());
    let has_digit = s.chars().any(|c| c.is_ascii_digit());
    if !(has_letter && has_digit) {
        return Err(PASSWORD_TOO_WEAK);
    }
    Ok(())
}

/// 工号/学号 left empty (在校师生 login, seed 003).
pub const NUMBER_REQUIRED: DomainError = DomainError::new(
    "NumberRequired",
    "请输入工号/学号",
    "Enter your staff or student number",
);
pub const NUMBER_INVALID: DomainError = DomainError::new(
    "NumberInvalid",
    "工号/学号应为4到20位字母或数字",
    "A staff or student number is 4 to 20 letters or digits",
);
pub const PASSWORD_REQUIRED: DomainError =
    DomainError::new("PasswordRequired", "请输入密码", "Enter the password");

/// A 工号/学号 as the server keeps it: trimmed, letters in capitals, 4 to 20 letters or
/// digits.
pub fn check_institution_number(s: &str) -> Result<String> {
    let n = s.trim().to_ascii_uppercase();
    if n.is_empty() {
        return Err(NUMBER_REQUIRED);
    }
    if !(4..=20).contains(&n.len()) || !n.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(NUMBER_INVALID);
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn institution_numbers_are_trimmed_capitalised_and_checked() {
        let check = check_institution_number;
        assert_eq!(check(" 2022110101 ").unwrap(), "2022110101");
        assert_eq!(check("yk2019a01").unwrap(), "YK2019A01");
        assert_eq!(check("").unwrap_err().code, "NumberRequired");
        assert_eq!(check("  ").unwrap_err().code, "NumberRequired");
        assert_eq!(check("12").unwrap_err().code, "NumberInvalid");
        assert_eq!(check("123").unwrap_err().code, "NumberInvalid");
        assert_eq!(check("2022-110101").unwrap_err().code, "NumberInvalid");
        assert_eq!(check("2022 110101").unwrap_err().code, "NumberInvalid");
        assert_eq!(check("学号2022").unwrap_err().code, "NumberInvalid");
        assert_eq!(check(&"1".repeat(21)).unwrap_err().code, "NumberInvalid");
    }

    const TODAY: SimpleDate = SimpleDate::new(2025, 6, 15);

    /// Builds a valid ID number from its parts using the check function under test; the
    /// hand-verified constants below make sure that function itself is right.
    fn make_id(region: &str, birth: &str, seq: &str) -> String {
        let first17 = format!("{region}{birth}{seq}");
        let check = id_number_check_char(&first17).expect("17 digits");
        format!("{first17}{check}")
    }

    /// Replaces the check character with a different valid-looking one.
    fn with_wrong_check(id: &str) -> String {
        let (head, last) = id.split_at(17);
        let wrong = if last == "0" { '1' } else { '0' };
        format!("{head}{wrong}")
    }

    // --- SimpleDate ---------------------------------------------------------------------

    #[test]
    fn simple_date_is_valid_follows_gregorian_calendar() {
        let cases = [
            ((2000, 2, 29), true),
            ((1900, 2, 29), false),
            ((2024, 2, 29), true),
            ((2023, 2, 29), false),
            ((2023, 2, 28), true),
            ((2023, 4, 30), true),
            ((2023, 4, 31), false),
            ((2023, 12, 31), true),
            ((2023, 13, 1), false),
            ((2023, 0, 1), false),
            ((2023, 1, 0), false),
            ((2023, 1, 32), false),
        ];
        for ((y, m, d), valid) in cases {
            assert_eq!(
                SimpleDate::new(y, m, d).is_valid(),
                valid,
                "{y}-{m}-{d} should be valid={valid}"
            );
        }
    }

    #[test]
    fn simple_date_orders_chronologically_and_displays_iso() {
        assert!(SimpleDate::new(2024, 12, 31) < SimpleDate::new(2025, 1, 1));
        assert!(SimpleDate::new(2025, 1, 31) < SimpleDate::new(2025, 2, 1));
        assert_eq!(SimpleDate::new(1990, 3, 7).to_string(), "1990-03-07");
    }

    // --- ID numbers ---------------------------------------------------------------------

    #[test]
    fn id_check_char_matches_hand_verified_samples() {
        // 11010519491231002X: weighted sum 1*7+1*9+0+1*5+0+5*4+1*2+9*1+4*6+9*3+1*7+2*9
        //   +3*10+1*5+0+0+2*2 = 167; 167 % 11 = 2 -> 'X'.
        // 320102199003074515: weighted sum 3*7+2*9+0+1*5+0+2*4+1*2+9*1+9*6+0+0+3*9
        //   +0+7*5+4*8+5*4+1*2 = 233; 233 % 11 = 2 -> 'X', so ...4515 is NOT valid and
        //   ...451X is; see the next case.
        // 440524188001010014: sum 4*7+4*9+0+5*5+2*8+4*4+1*2+8*1+8*6+0+0+1*9+0+1*5+0+0
        //   +1*2 = 195; 195 % 11 = 8 -> '4'.
        let cases = [
            ("11010519491231002", Some('X')),
            ("32010219900307451", Some('X')),
            ("44052418800101001", Some('4')),
            ("1101051949123100", None),
            ("110105194912310020", None),
            ("1101051949123100A", None),
            ("", None),
        ];
        for (first17, expected) in cases {
            assert_eq!(id_number_check_char(first17), expected, "{first17}");
        }
    }

    #[test]
    fn id_hand_verified_samples_are_valid() {
        for s in ["11010519491231002X", "32010219900307451X"] {
            let id = validate_id_number(s, TODAY).expect(s);
            assert_eq!(id.as_str(), s);
        }
        // Correct check character, but born before 1900: fails on the date rule only.
        assert_eq!(
            validate_id_number("440524188001010014", TODAY),
            Err(ID_NUMBER_BIRTH_DATE)
        );
    }

    #[test]
    fn id_accepts_generated_numbers_and_exposes_birth_date_and_sex() {
        // (first 17 digits, birth date, male)
        let cases = [
            ("11010519491231002", (1949, 12, 31), false),
            ("32010219900307451", (1990, 3, 7), true),
            ("65010220000229013", (2000, 2, 29), true),
            ("82010119000101000", (1900, 1, 1), false),
            ("71010120250615998", (2025, 6, 15), false),
            ("81010119850505007", (1985, 5, 5), true),
        ];
        for (first17, (y, m, d), male) in cases {
            let check = id_number_check_char(first17).expect("17 digits");
            let s = format!("{first17}{check}");
            let id = validate_id_number(&s, TODAY).expect(&s);
            assert_eq!(id.as_str(), s);
            assert_eq!(id.birth_date(), SimpleDate::new(y, m, d), "{s}");
            assert_eq!(id.is_male(), male, "{s}");
        }
    }

    #[test]
    fn id_lowercase_x_is_accepted_and_normalised() {
        let id = validate_id_number("11010519491231002x", TODAY).expect("valid");
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(
            id,
            validate_id_number("11010519491231002X", TODAY).expect("valid")
        );
    }

    #[test]
    fn id_surrounding_whitespace_is_ignored() {
        let id = validate_id_number("  11010519491231002X\n", TODAY).expect("valid");
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn id_rejections_report_the_right_code() {
        let valid = make_id("320102", "19900307", "451");
        let cases: Vec<(String, DomainError)> = vec![
            (String::new(), ID_NUMBER_LENGTH),
            ("   ".into(), ID_NUMBER_LENGTH),
            (valid[..17].into(), ID_NUMBER_LENGTH),
            (format!("{valid}0"), ID_NUMBER_LENGTH),
            // 15-digit first-generation numbers are not accepted.
            ("110105491231002".into(), ID_NUMBER_LENGTH),
            // Non-ASCII but 18 chars: must be a character error, never a panic.
            (
                "１１０１０５１９４９１２３１００２Ｘ".into(),
                ID_NUMBER_CHARACTERS,
            ),
            ("1101051949123100X2".into(), ID_NUMBER_CHARACTERS),
            ("11010519491231002Y".into(), ID_NUMBER_CHARACTERS),
            ("1101051949-231002X".into(), ID_NUMBER_CHARACTERS),
            ("X10105194912310021".into(), ID_NUMBER_CHARACTERS),
            (make_id("100101", "19900307", "451"), ID_NUMBER_REGION),
            (make_id("160101", "19900307", "451"), ID_NUMBER_REGION),
            (make_id("240101", "19900307", "451"), ID_NUMBER_REGION),
            (make_id("380101", "19900307", "451"), ID_NUMBER_REGION),
            (make_id("470101", "19900307", "451"), ID_NUMBER_REGION),
            (make_id("550101", "19900307", "451"), ID_NUMBER_REGION),
            (make_id("660101", "19900307", "451"), ID_NUMBER_REGION),
            (make_id("720101", "19900307", "451"), ID_NUMBER_REGION),
            (make_id("830101", "19900307", "451"), ID_NUMBER_REGION),
            (make_id("990101", "19900307", "451"), ID_NUMBER_REGION),
            (make_id("000101", "19900307", "451"), ID_NUMBER_REGION),
            (make_id("320000", "19900307", "451"), ID_NUMBER_REGION),
            (make_id("320102", "19000229", "451"), ID_NUMBER_BIRTH_DATE),
            (make_id("320102", "19990229", "451"), ID_NUMBER_BIRTH_DATE),
            (make_id("320102", "19991301", "451"), ID_NUMBER_BIRTH_DATE),
            (make_id("320102", "19990001", "451"), ID_NUMBER_BIRTH_DATE),
            (make_id("320102", "19990100", "451"), ID_NUMBER_BIRTH_DATE),
            (make_id("320102", "19990431", "451"), ID_NUMBER_BIRTH_DATE),
            (make_id("320102", "18991231", "451"), ID_NUMBER_BIRTH_DATE),
            (make_id("320102", "20250616", "451"), ID_NUMBER_BIRTH_DATE),
            (make_id("320102", "20260101", "451"), ID_NUMBER_BIRTH_DATE),
            (with_wrong_check(&valid), ID_NUMBER_CHECK_CHAR),
            ("110105194912310021".into(), ID_NUMBER_CHECK_CHAR),
            ("320102199003074515".into(), ID_NUMBER_CHECK_CHAR),
            // Transposed digits are the typo MOD 11-2 exists to catch.
            ("11010519491231020X".into(), ID_NUMBER_CHECK_CHAR),
        ];
        for (input, expected) in cases {
            assert_eq!(
                validate_id_number(&input, TODAY),
                Err(expected.clone()),
                "{input:?} should fail with {}",
                expected.code
            );
        }
    }

    #[test]
    fn id_birth_date_boundaries_relative_to_today() {
        let born_today = make_id("320102", "20250615", "451");
        assert!(validate_id_number(&born_today, TODAY).is_ok());
        let born_tomorrow = make_id("320102", "20250616", "451");
        assert_eq!(
            validate_id_number(&born_tomorrow, TODAY),
            Err(ID_NUMBER_BIRTH_DATE)
        );
        assert!(validate_id_number(&born_tomorrow, SimpleDate::new(2025, 6, 16)).is_ok());
        let leap = make_id("320102", "20000229", "451");
        assert!(validate_id_number(&leap, TODAY).is_ok());
        let first_allowed = make_id("320102", "19000101", "451");
        assert!(validate_id_number(&first_allowed, TODAY).is_ok());
    }

    #[test]
    fn id_serializes_as_plain_string_and_deserialization_validates() {
        let id = validate_id_number("11010519491231002x", TODAY).expect("valid");
        let json = serde_json::to_string(&id).expect("serialize");
        assert_eq!(json, "\"11010519491231002X\"");
        let back: IdNumber = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, id);
        // Stored numbers are not re-checked against the clock, only for structure.
        let future = make_id("320102", "20990101", "451");
        assert!(serde_json::from_str::<IdNumber>(&format!("\"{future}\"")).is_ok());
        assert!(serde_json::from_str::<IdNumber>("\"110105194912310021\"").is_err());
    }

    // --- Credit codes -------------------------------------------------------------------

    #[test]
    fn credit_check_char_matches_hand_verified_samples() {
        // 91350100M000100Y4: values 9,1,3,5,0,1,0,0,21,0,0,0,1,0,0,30,4; weighted sum
        //   9+3+27+135+0+26+0+0+420+0+0+0+8+0+0+900+112 = 1640; 1640 % 31 = 28;
        //   31 - 28 = 3 -> '3'.
        // 91320000134757617: values 9,1,3,2,0,0,0,0,1,3,4,7,5,7,6,1,7; weighted sum
        //   9+3+27+54+0+0+0+0+20+87+100+91+40+168+60+30+196 = 885; 885 % 31 = 17;
        //   31 - 17 = 14 -> 'E', so the often-quoted "...617B" is NOT valid.
        let cases = [
            ("91350100M000100Y4", Some('3')),
            ("91350100m000100y4", Some('3')),
            ("91320000134757617", Some('E')),
            ("9135010OM000100Y4", None),
            ("91350100M000100Y", None),
            ("91350100M000100Y43", None),
        ];
        for (first17, expected) in cases {
            assert_eq!(credit_code_check_char(first17), expected, "{first17}");
        }
    }

    #[test]
    fn credit_code_accepts_valid_codes_and_normalises_case() {
        let cases = [
            ("91350100M000100Y43", "91350100M000100Y43"),
            ("91350100m000100y43", "91350100M000100Y43"),
            ("  91350100M000100Y43\t", "91350100M000100Y43"),
            ("91320000134757617e", "91320000134757617E"),
        ];
        for (input, expected) in cases {
            let code = validate_credit_code(input).expect(input);
            assert_eq!(code.as_str(), expected);
        }
    }

    #[test]
    fn credit_code_every_check_value_round_trips() {
        // Vary one position so the check value takes many different residues, including
        // 0 (where the `% 31` after the subtraction matters).
        let mut seen = std::collections::HashSet::new();
        for &c in CREDIT_ALPHABET.iter() {
            for &d in CREDIT_ALPHABET.iter() {
                let first17 = format!("9135010{}{}000100Y4", char::from(c), char::from(d));
                let check = credit_code_check_char(&first17).expect("valid alphabet");
                seen.insert(check);
                assert!(validate_credit_code(&format!("{first17}{check}")).is_ok());
            }
        }
        assert_eq!(seen.len(), 31);
    }

    #[test]
    fn credit_code_rejections_report_the_right_code() {
        let mut cases: Vec<(String, DomainError)> = vec![
            (String::new(), CREDIT_CODE_LENGTH),
            ("91350100M000100Y4".into(), CREDIT_CODE_LENGTH),
            ("91350100M000100Y430".into(), CREDIT_CODE_LENGTH),
            ("91350100M000100Y4-".into(), CREDIT_CODE_CHARACTERS),
            ("91350100M000100Y4三".into(), CREDIT_CODE_CHARACTERS),
            ("91320000134757617B".into(), CREDIT_CODE_CHECK_CHAR),
            ("91350100M000100Y44".into(), CREDIT_CODE_CHECK_CHAR),
            ("91350100M000010Y43".into(), CREDIT_CODE_CHECK_CHAR),
        ];
        // Each excluded letter, upper and lower case, in the body and as check character.
        for bad in ['I', 'O', 'S', 'V', 'Z', 'i', 'o', 's', 'v', 'z'] {
            cases.push((format!("91350100{bad}000100Y43"), CREDIT_CODE_CHARACTERS));
            cases.push((format!("91350100M000100Y4{bad}"), CREDIT_CODE_CHARACTERS));
        }
        for (input, expected) in cases {
            assert_eq!(
                validate_credit_code(&input),
                Err(expected.clone()),
                "{input:?} should fail with {}",
                expected.code
            );
        }
    }

    #[test]
    fn credit_code_serde_is_a_validated_string() {
        let code = validate_credit_code("91350100m000100y43").expect("valid");
        let json = serde_json::to_string(&code).expect("serialize");
        assert_eq!(json, "\"91350100M000100Y43\"");
        assert_eq!(
            serde_json::from_str::<CreditCode>(&json).expect("deserialize"),
            code
        );
        assert!(serde_json::from_str::<CreditCode>("\"91320000134757617B\"").is_err());
    }

    // --- Phones -------------------------------------------------------------------------

    #[test]
    fn phone_accepts_and_normalises_common_formats() {
        let cases = [
            ("13814119776", "13814119776"),
            (" 13814119776 ", "13814119776"),
            ("138 1411 9776", "13814119776"),
            ("138-1411-9776", "13814119776"),
            ("+8613814119776", "13814119776"),
            ("+86 138 1411 9776", "13814119776"),
            ("+86-138-1411-9776", "13814119776"),
            ("8613814119776", "13814119776"),
            ("86 13814119776", "13814119776"),
            ("19912345678", "19912345678"),
            ("13000000000", "13000000000"),
        ];
        for (input, expected) in cases {
            let phone = validate_phone(input).expect(input);
            assert_eq!(phone.as_str(), expected, "{input:?}");
        }
    }

    #[test]
    fn phone_rejections_report_the_right_code() {
        let cases = [
            ("", PHONE_EMPTY),
            ("   ", PHONE_EMPTY),
            (" - ", PHONE_EMPTY),
            ("1381411977", PHONE_LENGTH),
            ("138141197761", PHONE_LENGTH),
            ("+86", PHONE_LENGTH),
            ("+861381411977", PHONE_LENGTH),
            ("0086 13814119776", PHONE_LENGTH),
            ("12814119776", PHONE_FORMAT),
            ("10814119776", PHONE_FORMAT),
            ("23814119776", PHONE_FORMAT),
            ("+8612814119776", PHONE_FORMAT),
            ("1381411977a", PHONE_FORMAT),
            ("+1 415 555 2671", PHONE_FORMAT),
            ("(138)14119776", PHONE_FORMAT),
            ("１３８１４１１９７７６", PHONE_FORMAT),
        ];
        for (input, expected) in cases {
            assert_eq!(
                validate_phone(input),
                Err(expected.clone()),
                "{input:?} should fail with {}",
                expected.code
            );
        }
    }

    #[test]
    fn phone_serde_is_a_validated_string() {
        let phone = validate_phone("+86 138-1411-9776").expect("valid");
        assert_eq!(
            serde_json::to_string(&phone).expect("serialize"),
            "\"13814119776\""
        );
        assert_eq!(
            serde_json::from_str::<Phone>("\"13814119776\"").expect("deserialize"),
            phone
        );
        assert!(serde_json::from_str::<Phone>("\"12814119776\"").is_err());
    }

    // --- Names --------------------------------------------------------------------------

    #[test]
    fn name_accepts_and_normalises_valid_names() {
        let twenty = "张".repeat(20);
        let fifty = "a".repeat(50);
        let cases = [
            ("张三", "张三"),
            ("  欧阳娜娜  ", "欧阳娜娜"),
            ("买买提·艾力", "买买提·艾力"),
            ("买买提・艾力", "买买提·艾力"),
            ("买买提•艾力", "买买提·艾力"),
            ("爱新觉罗·玄烨", "爱新觉罗·玄烨"),
            ("王〇", "王〇"),
            ("李𠇔", "李𠇔"),
            (twenty.as_str(), twenty.as_str()),
            ("Li", "Li"),
            ("John Smith", "John Smith"),
            ("  John \t  Smith ", "John Smith"),
            ("Mary-Jane O'Neil", "Mary-Jane O'Neil"),
            ("J. R. R. Tolkien", "J. R. R. Tolkien"),
            (fifty.as_str(), fifty.as_str()),
        ];
        for (input, expected) in cases {
            let name = validate_name(input).expect(input);
            assert_eq!(name.as_str(), expected, "{input:?}");
        }
    }

    #[test]
    fn name_rejections_report_the_right_code() {
        let twenty_one = "张".repeat(21);
        let fifty_one = "a".repeat(51);
        let long_dotted = format!("{}·{}", "张".repeat(10), "李".repeat(10));
        let cases = [
            ("", NAME_EMPTY),
            ("   ", NAME_EMPTY),
            ("张", NAME_TOO_SHORT),
            (" 张 ", NAME_TOO_SHORT),
            ("J", NAME_TOO_SHORT),
            (twenty_one.as_str(), NAME_TOO_LONG),
            (long_dotted.as_str(), NAME_TOO_LONG),
            (fifty_one.as_str(), NAME_TOO_LONG),
            ("张三1", NAME_CHARACTERS),
            ("张三Li", NAME_CHARACTERS),
            ("张 三", NAME_CHARACTERS),
            ("·张三", NAME_CHARACTERS),
            ("张三·", NAME_CHARACTERS),
            ("买买提··艾力", NAME_CHARACTERS),
            ("··", NAME_CHARACTERS),
            ("John2", NAME_CHARACTERS),
            ("John_Smith", NAME_CHARACTERS),
            ("José", NAME_CHARACTERS),
            ("-John", NAME_CHARACTERS),
            ("--", NAME_CHARACTERS),
            ("12", NAME_CHARACTERS),
            ("こんにちは", NAME_CHARACTERS),
        ];
        for (input, expected) in cases {
            assert_eq!(
                validate_name(input),
                Err(expected.clone()),
                "{input:?} should fail with {}",
                expected.code
            );
        }
    }

    #[test]
    fn name_reports_script_and_serde_round_trips() {
        assert!(validate_name("张三").expect("valid").is_chinese());
        assert!(!validate_name("John").expect("valid").is_chinese());
        let name = validate_name("买买提・艾力").expect("valid");
        let json = serde_json::to_string(&name).expect("serialize");
        assert_eq!(json, "\"买买提·艾力\"");
        assert_eq!(
            serde_json::from_str::<PersonName>(&json).expect("deserialize"),
            name
        );
        assert!(serde_json::from_str::<PersonName>("\"张\"").is_err());
    }

    // --- Passwords ----------------------------------------------------------------------

    #[test]
    fn password_policy_boundaries() {
        let max = format!("a1{}", "b".repeat(62));
        let too_long = format!("a1{}", "b".repeat(63));
        let cases: Vec<(String, Result<()>)> = vec![
            (String::new(), Err(PASSWORD_TOO_SHORT)),
            ("abc1234".into(), Err(PASSWORD_TOO_SHORT)),
            ("abcd1234".into(), Ok(())),
            ("  abc1  ".into(), Ok(())),
            ("密码密码密码a1".into(), Ok(())),
            (max, Ok(())),
            (too_long, Err(PASSWORD_TOO_LONG)),
            ("abcdefgh".into(), Err(PASSWORD_TOO_WEAK)),
            ("12345678".into(), Err(PASSWORD_TOO_WEAK)),
            ("密码密码密码密码1".into(), Err(PASSWORD_TOO_WEAK)),
            ("!@#$%^&*()".into(), Err(PASSWORD_TOO_WEAK)),
        ];
        for (input, expected) in cases {
            assert_eq!(validate_password(&input), expected, "{input:?}");
        }
    }

    #[test]
    fn password_length_counts_chars_not_bytes() {
        // 7 chars but 19 bytes: still too short.
        assert_eq!(validate_password("密码密码密a1"), Err(PASSWORD_TOO_SHORT));
        // 64 chars but far more than 64 bytes: still allowed.
        let wide = format!("a1{}", "密".repeat(62));
        assert_eq!(validate_password(&wide), Ok(()));
    }

    #[test]
    fn error_codes_are_unique_and_messages_present() {
        let all = [
            ID_NUMBER_LENGTH,
            ID_NUMBER_CHARACTERS,
            ID_NUMBER_REGION,
            ID_NUMBER_BIRTH_DATE,
            ID_NUMBER_CHECK_CHAR,
            CREDIT_CODE_LENGTH,
            CREDIT_CODE_CHARACTERS,
            CREDIT_CODE_CHECK_CHAR,
            PHONE_EMPTY,
            PHONE_LENGTH,
            PHONE_FORMAT,
            NAME_EMPTY,
            NAME_TOO_SHORT,
            NAME_TOO_LONG,
            NAME_CHARACTERS,
            PASSWORD_TOO_SHORT,
            PASSWORD_TOO_LONG,
            PASSWORD_TOO_WEAK,
        ];
        let codes: std::collections::HashSet<_> = all.iter().map(|e| e.code).collect();
        assert_eq!(codes.len(), all.len());
        for e in all {
            let pascal = e.code.starts_with(|c: char| c.is_ascii_uppercase());
            assert!(pascal && !e.message.is_empty() && !e.message_en.is_empty());
        }
    }
}
