//! Masking of personal data for display in lists, logs and exports, where staff need to
//! recognise a record but not read the full value.
//!
//! Everything works on `char`s, never bytes, so multi-byte text is never split and a
//! masked value has exactly as many characters as the original.

use crate::validate::is_cjk;

const MASK: char = '*';

/// Two-character surnames. For these the whole surname stays visible, because showing
/// only "欧" for 欧阳娜娜 would misname the family. Traditional forms are listed too, for
/// members from Hong Kong, Macao and Taiwan.
pub const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "轩辕", "令狐", "钟离", "端木", "独孤", "南宫", "西门", "百里", "呼延", "东郭", "澹台",
    "公羊", "太史", "申屠", "闻人", "万俟", "赫连", "濮阳", "司空", "单于", "公冶", "宗政", "拓跋",
    "第五", "梁丘", "左丘", "东门", "羊舌", "微生", "巫马", "乐正", "谷梁", "漆雕", "壤驷", "公西",
    "颛孙", "子车", "仲孙", "亓官", "司寇", "鲜于", "闾丘", "段干", "淳于", "公良", "歐陽", "司馬",
    "諸葛", "東方", "尉遲", "長孫", "軒轅", "鍾離", "獨孤", "南宮", "西門", "東郭", "聞人", "赫連",
    "濮陽", "單于", "閭丘", "鮮于",
];

/// Keeps `head` leading and `tail` trailing chars and masks the rest. Values too short to
/// leave at least one masked char are masked completely: revealing head and tail of a
/// short value would reveal all of it.
fn mask_middle(s: &str, head: usize, tail: usize) -> String {
    let n = s.chars().count();
    if n <= head + tail {
        return std::iter::repeat_n(MASK, n).collect();
    }
    s.chars()
        .enumerate()
        .map(|(i, c)| if i < head || i >= n - tail { c } else { MASK })
        .collect()
}

/// "320102199003074515" -> "3201**********4515". The first four digits (province and
/// city) and last four are what staff use to tell records apart.
pub fn mask_id_number(s: &str) -> String {
    mask_middle(s, 4, 4)
}

/// "13814119776" -> "138****9776", the format Chinese apps conventionally show.
pub fn mask_phone(s: &str) -> String {
    mask_middle(s, 3, 4)
}

/// Masks a person name, keeping the surname (or initials) visible:
/// "张三" -> "张*", "欧阳娜娜" -> "欧阳**", "买买提·艾力" -> "买**·**",
/// "John Smith" -> "J*** S****". A single-char name is returned as is, since there is
/// nothing left to hide once the first char is shown.
pub fn mask_name(s: &str) -> String {
    match s.chars().next() {
        Some(first) if is_cjk(first) => mask_chinese_name(s),
        Some(_) => mask_latin_name(s),
        None => String::new(),
    }
}

fn mask_chinese_name(s: &str) -> String {
    let n = s.chars().count();
    // A two-char name starting with a compound surname's chars (e.g. 欧阳 as 欧 + 阳) is
    // a one-char surname plus a one-char given name.
    let keep = if n > 2 && COMPOUND_SURNAMES.iter().any(|c| s.starts_with(c)) {
        2
    } else {
        1
    };
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            // The middle dot separates name parts; keeping it shows the name's shape
            // without revealing any of its characters.
            if i < keep || c == crate::validate::NAME_MIDDLE_DOT {
                c
            } else {
                MASK
            }
        })
        .collect()
}

/// Latin names keep the first letter of each word: initials are how such names are
/// commonly abbreviated, and the word lengths alone reveal little.
fn mask_latin_name(s: &str) -> String {
    let mut at_word_start = true;
    s.chars()
        .map(|c| {
            if c.is_whitespace() {
                at_word_start = true;
                c
            } else if at_word_start {
                at_word_start = false;
                c
            } else {
                MASK
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_number_keeps_first_four_and_last_four() {
        let cases = [
            ("320102199003074515", "3201**********4515"),
            ("11010519491231002X", "1101**********002X"),
            ("123456789", "1234*6789"),
            ("12345678", "********"),
            ("1234", "****"),
            ("", ""),
            // Chars, not bytes: full-width digits keep their count.
            ("１２３４５６７８９", "１２３４*６７８９"),
        ];
        for (input, expected) in cases {
            assert_eq!(mask_id_number(input), expected, "{input:?}");
        }
    }

    #[test]
    fn phone_keeps_first_three_and_last_four() {
        let cases = [
            ("13814119776", "138****9776"),
            ("19912345678", "199****5678"),
            ("12345678", "123*5678"),
            ("1234567", "*******"),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(mask_phone(input), expected, "{input:?}");
        }
    }

    #[test]
    fn chinese_name_keeps_surname() {
        let cases = [
            ("张", "张"),
            ("张三", "张*"),
            ("王小明", "王**"),
            ("欧阳娜娜", "欧阳**"),
            ("欧阳娜", "欧阳*"),
            ("司马相如", "司马**"),
            ("诸葛亮", "诸葛*"),
            ("歐陽娜娜", "歐陽**"),
            // Too short for surname + given name, so the surname is one char.
            ("欧阳", "欧*"),
            ("买买提·艾力", "买**·**"),
            ("爱新觉罗·玄烨", "爱***·**"),
            ("李𠇔", "李*"),
        ];
        for (input, expected) in cases {
            assert_eq!(mask_name(input), expected, "{input:?}");
        }
    }

    #[test]
    fn latin_name_keeps_initials() {
        let cases = [
            ("J", "J"),
            ("Li", "L*"),
            ("John Smith", "J*** S****"),
            ("Mary-Jane O'Neil", "M******** O*****"),
            ("J. R. R. Tolkien", "J* R* R* T******"),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(mask_name(input), expected, "{input:?}");
        }
    }

    #[test]
    fn masking_preserves_char_count() {
        for s in [
            "张三",
            "欧阳娜娜",
            "买买提·艾力",
            "John Smith",
            "320102199003074515",
        ] {
            let n = s.chars().count();
            assert_eq!(mask_name(s).chars().count(), n, "{s}");
            assert_eq!(mask_id_number(s).chars().count(), n, "{s}");
            assert_eq!(mask_phone(s).chars().count(), n, "{s}");
        }
    }

    #[test]
    fn compound_surnames_are_unique_two_char_cjk() {
        let unique: std::collections::HashSet<_> = COMPOUND_SURNAMES.iter().collect();
        assert_eq!(unique.len(), COMPOUND_SURNAMES.len());
        for s in COMPOUND_SURNAMES {
            assert_eq!(s.chars().count(), 2, "{s}");
            assert!(s.chars().all(is_cjk), "{s}");
        }
    }
}
