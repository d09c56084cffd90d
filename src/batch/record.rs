//! One JSONL record: its fields as raw JSON text in input order, and its text field's string.
//!
//! [`parse`] reads a line once: the text field (its first occurrence) is decoded as a string
//! while the object is parsed, and every other value is kept as its raw JSON text, borrowed
//! from the line. The reference parse ([`reference`]) keeps every value raw and decodes the
//! text from its raw value afterwards: two scans of the text and a copy of it (serde_json's
//! string scanning alone, `skip_to_escape`, `parse_str` and `ignore_str`, was 9 % of a 2-thread
//! shard profile with `perf`). The one-scan parse hands every line it cannot read to the
//! reference parse, so the result (and a bad line's error message) is always the reference's:
//! a text that is not a valid string (`1e400`, a lone surrogate) is "not a string", never a
//! bad line. A property test holds the two equal.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

/// A record's text field.
#[derive(Debug, PartialEq, Eq)]
pub enum Text<'a> {
    /// No field has that name.
    Missing,
    /// The field's value is not a string.
    NotString,
    /// The field is `fields[pos]`, and this is its string.
    Str { pos: usize, value: Cow<'a, str> },
}

/// A JSON object line.
pub struct Record<'a> {
    /// Keys and raw values in input order, duplicates kept. The text field's raw value may be
    /// left out (`None`): a rewritten line replaces it, an unchanged line is copied whole.
    pub fields: Vec<(String, Option<&'a RawValue>)>,
    pub text: Text<'a>,
}

/// Parses one line (a JSON object, nothing after it but whitespace).
pub fn parse<'a>(line: &'a str, field: &str) -> Result<Record<'a>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(line);
    let one_scan = OneScan { field }
        .deserialize(&mut de)
        .and_then(|r| de.end().map(|()| r));
    one_scan.or_else(|_| reference(line, field))
}

/// The reference parse: every value raw, then the text decoded from its raw value.
pub fn reference<'a>(line: &'a str, field: &str) -> Result<Record<'a>, serde_json::Error> {
    let RawFields(raw) = serde_json::from_str(line)?;
    let text = match raw.iter().position(|(k, _)| k == field) {
        None => Text::Missing,
        Some(pos) => match serde_json::from_str::<String>(raw[pos].1.get()) {
            Ok(s) => Text::Str {
                pos,
                value: Cow::Owned(s),
            },
            Err(_) => Text::NotString,
        },
    };
    let fields = raw.into_iter().map(|(k, v)| (k, Some(v))).collect();
    Ok(Record { fields, text })
}

/// An object as keys and borrowed raw values.
struct RawFields<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for RawFields<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawFields<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    fields.push(entry);
                }
                Ok(RawFields(fields))
            }
        }
        d.deserialize_map(V)
    }
}

/// The one-scan parse of an object whose text field is `field`.
struct OneScan<'f> {
    field: &'f str,
}

impl<'de> DeserializeSeed<'de> for OneScan<'_> {
    type Value = Record<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for OneScan<'_> {
    type Value = Record<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Vec::new();
        let mut text = Text::Missing;
        while let Some(key) = map.next_key::<String>()? {
            if text == Text::Missing && key == self.field {
                text = match map.next_value::<MaybeStr<'de>>()?.0 {
                    Some(value) => Text::Str {
                        pos: fields.len(),
                        value,
                    },
                    None => Text::NotString,
                };
                fields.push((key, None));
            } else {
                fields.push((key, Some(map.next_value::<&'de RawValue>()?)));
            }
        }
        Ok(Record { fields, text })
    }
}

/// Any JSON value: its string if it is one (borrowed when it has no escapes), else `None`.
struct MaybeStr<'a>(Option<Cow<'a, str>>);

impl<'de> Deserialize<'de> for MaybeStr<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MaybeStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(MaybeStr(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(MaybeStr(Some(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(MaybeStr(Some(Cow::Owned(v))))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(MaybeStr(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(MaybeStr(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(MaybeStr(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(MaybeStr(None))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(MaybeStr(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(MaybeStr(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(MaybeStr(None))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The record as comparable data: keys, raw values but the text field's (which the
    /// one-scan parse leaves out), and the text.
    fn view(r: &Record<'_>) -> (Vec<(String, Option<String>)>, String) {
        let pos = r.fields.iter().position(|(k, _)| k == "text");
        let fields = r
            .fields
            .iter()
            .enumerate()
            .map(|(i, (k, v))| {
                let raw = v.filter(|_| Some(i) != pos).map(|v| v.get().to_string());
                (k.clone(), raw)
            })
            .collect();
        let text = match &r.text {
            Text::Missing => "missing".to_string(),
            Text::NotString => "not a string".to_string(),
            Text::Str { pos, value } => format!("{pos}: {value}"),
        };
        (fields, text)
    }

    #[test]
    fn the_text_is_decoded_and_the_rest_kept_raw() {
        let r = parse(
            r#"{"id": 1.50, "text": "a\nb", "m": [1, {"x": null}]}"#,
            "text",
        )
        .unwrap();
        assert_eq!(
            r.text,
            Text::Str {
                pos: 1,
                value: Cow::Owned("a\nb".into())
            }
        );
        assert_eq!(r.fields[0].1.unwrap().get(), "1.50");
        assert_eq!(r.fields[2].1.unwrap().get(), r#"[1, {"x": null}]"#);
        // Without escapes the string is borrowed from the line.
        let r = parse(r#"{"text": "為經濟"}"#, "text").unwrap();
        assert!(matches!(
            r.text,
            Text::Str {
                value: Cow::Borrowed("為經濟"),
                ..
            }
        ));
    }

    #[test]
    fn values_the_one_scan_cannot_read_fall_back_to_the_reference() {
        // serde_json reads `1e400` as raw text but not as a number; a lone surrogate is not a
        // string. Either way the text is "not a string", as the reference says.
        for line in [
            r#"{"text": 1e400, "a": 1}"#,
            r#"{"a": 1, "text": "\ud800"}"#,
        ] {
            let r = parse(line, "text").unwrap();
            assert_eq!(view(&r), view(&reference(line, "text").unwrap()), "{line}");
        }
        assert!(parse(r#"{"text": "a"} x"#, "text").is_err());
        assert!(parse(r#"["text"]"#, "text").is_err());
    }

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("null".to_string()),
            Just("1e400".to_string()),
            Just("-0e+3".to_string()),
            Just("\"\\ud800\"".to_string()),
            Just("\"\\u00e9\\n\"".to_string()),
            Just("[1, {\"a\": [true]}]".to_string()),
            Just("{\"text\": \"inner\"}".to_string()),
            any::<i64>().prop_map(|n| n.to_string()),
            "\\PC{0,12}".prop_map(|s| serde_json::to_string(&s).unwrap()),
            "[\\[\\]{}\":,a-z0-9\\\\ ]{0,10}",
        ]
    }

    proptest! {
        /// The one-scan parse gives what the reference gives, on records with the text
        /// present, absent, duplicated, escaped in its key, or not a string, and on broken
        /// lines.
        #[test]
        fn one_scan_equals_the_reference(
            fields in prop::collection::vec(
                (prop_oneof![Just("text".to_string()), Just("te\\u0078t".to_string()), "[a-z]{1,4}"], value()),
                0..5,
            ),
            tail in prop_oneof![Just(String::new()), Just(" \t".to_string()), Just(",".to_string()), Just("}".to_string())],
        ) {
            let body: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
            let line = format!("{{{}}}{tail}", body.join(", "));
            match (parse(&line, "text"), reference(&line, "text")) {
                (Ok(a), Ok(b)) => prop_assert_eq!(view(&a), view(&b)),
                (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                (a, b) => prop_assert!(false, "{line}: {:?} vs {:?}", a.is_ok(), b.is_ok()),
            }
        }
    }
}
