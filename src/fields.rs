//! Reads the fields of a JS object one by one, so that every wrong value is
//! an error that names its field and the form it should have.

use napi::bindgen_prelude::{Object, Uint8Array, Unknown};
use napi::{Env, Error, JsValue, Status, ValueType};

/// A validation failure, thrown as the JS error class it names.
#[derive(Debug)]
pub enum Invalid {
    Type(String),
    Range(String),
    Unsupported(String),
    Napi(Error),
}

impl From<Error> for Invalid {
    fn from(error: Error) -> Invalid {
        Invalid::Napi(error)
    }
}

impl Invalid {
    /// Throws the error into JS and returns the value a `#[napi]` function
    /// returns after a throw.
    pub fn throw(self, env: &Env) -> Error {
        let thrown = match self {
            Invalid::Type(message) => env.throw_type_error(&message, Some("ERR_INVALID_ARG_TYPE")),
            Invalid::Range(message) => env.throw_range_error(&message, Some("ERR_OUT_OF_RANGE")),
            Invalid::Unsupported(message) => env.throw_error(&message, Some("ERR_NOT_SUPPORTED")),
            Invalid::Napi(error) => return error,
        };
        match thrown {
            Ok(()) => Error::new(Status::PendingException, "thrown"),
            Err(error) => error,
        }
    }
}

pub type Checked<T> = Result<T, Invalid>;

/// A number as JavaScript would print it: `Infinity`, `NaN`, `1e+300`.
fn js_number(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if n.abs() >= 1e21 {
        format!("{n:e}").replace('e', "e+").replace("e+-", "e-")
    } else {
        n.to_string()
    }
}

/// Describes a JS value for an error message: numbers show themselves.
fn describe(value: &Unknown<'_>) -> String {
    match value.get_type() {
        Ok(ValueType::Number) => match unsafe { value.cast::<f64>() } {
            Ok(n) => js_number(n),
            Err(_) => "a number".into(),
        },
        Ok(ValueType::String) => "a string".into(),
        Ok(ValueType::Boolean) => "a boolean".into(),
        Ok(ValueType::Object) => "an object".into(),
        Ok(ValueType::Function) => "a function".into(),
        Ok(ValueType::Symbol) => "a symbol".into(),
        Ok(ValueType::BigInt) => "a bigint".into(),
        Ok(ValueType::Null) => "null".into(),
        _ => "an unknown value".into(),
    }
}

pub struct Fields<'a, 'env> {
    object: &'a Object<'env>,
    path: String,
}

impl<'a, 'env> Fields<'a, 'env> {
    pub fn new(object: &'a Object<'env>, path: impl Into<String>) -> Self {
        Fields {
            object,
            path: path.into(),
        }
    }

    pub fn name(&self, field: &str) -> String {
        format!("{}.{}", self.path, field)
    }

    /// The value of `field`; `undefined` and `null` count as absent.
    pub fn get(&self, field: &str) -> Checked<Option<Unknown<'env>>> {
        let value: Option<Unknown<'env>> = self.object.get(field)?;
        Ok(value.filter(|v| !matches!(v.get_type(), Ok(ValueType::Null))))
    }

    fn typed(
        &self,
        field: &str,
        want: ValueType,
        expected: &str,
    ) -> Checked<Option<Unknown<'env>>> {
        match self.get(field)? {
            None => Ok(None),
            Some(value) if value.get_type()? == want => Ok(Some(value)),
            Some(value) => Err(Invalid::Type(format!(
                "{} must be {expected} (got {})",
                self.name(field),
                describe(&value)
            ))),
        }
    }

    pub fn optional_string(&self, field: &str) -> Checked<Option<String>> {
        match self.typed(field, ValueType::String, "a string")? {
            Some(value) => Ok(Some(unsafe { value.cast::<String>() }?)),
            None => Ok(None),
        }
    }

    /// An MQTT UTF-8 string field: at most 65,535 bytes, without U+0000.
    pub fn optional_mqtt_string(&self, field: &str) -> Checked<Option<String>> {
        let Some(text) = self.optional_string(field)? else {
            return Ok(None);
        };
        if text.contains('\0') {
            return Err(Invalid::Range(format!(
                "{} must not contain U+0000",
                self.name(field)
            )));
        }
        self.check_field_length(field, text.len())?;
        Ok(Some(text))
    }

    /// A length-prefixed MQTT field holds at most 65,535 bytes.
    pub fn check_field_length(&self, field: &str, bytes: usize) -> Checked<()> {
        if bytes > usize::from(u16::MAX) {
            return Err(Invalid::Range(format!(
                "{} must be at most 65,535 bytes in UTF-8 (got {bytes})",
                self.name(field)
            )));
        }
        Ok(())
    }

    pub fn string(&self, field: &str) -> Checked<String> {
        self.optional_string(field)?
            .ok_or_else(|| Invalid::Type(format!("{} is required (a string)", self.name(field))))
    }

    pub fn optional_bool(&self, field: &str) -> Checked<Option<bool>> {
        match self.typed(field, ValueType::Boolean, "a boolean")? {
            Some(value) => Ok(Some(unsafe { value.cast::<bool>() }?)),
            None => Ok(None),
        }
    }

    /// A whole number within `min..=max`.
    pub fn optional_integer(&self, field: &str, min: f64, max: f64) -> Checked<Option<f64>> {
        let expected = format!("an integer from {min} to {max}");
        let Some(value) = self.typed(field, ValueType::Number, &expected)? else {
            return Ok(None);
        };
        let number = unsafe { value.cast::<f64>() }?;
        if number.fract() != 0.0 || !number.is_finite() {
            return Err(Invalid::Range(format!(
                "{} must be {expected} (got {})",
                self.name(field),
                js_number(number)
            )));
        }
        if number < min || number > max {
            return Err(Invalid::Range(format!(
                "{} must be {expected} (got {})",
                self.name(field),
                js_number(number)
            )));
        }
        Ok(Some(number))
    }

    pub fn integer(&self, field: &str, min: f64, max: f64) -> Checked<f64> {
        self.optional_integer(field, min, max)?.ok_or_else(|| {
            Invalid::Type(format!(
                "{} is required (an integer from {min} to {max})",
                self.name(field)
            ))
        })
    }

    /// A finite number from 0 to `max`.
    pub fn optional_non_negative(&self, field: &str, max: f64) -> Checked<Option<f64>> {
        let expected = format!("a number from 0 to {max}");
        let Some(value) = self.typed(field, ValueType::Number, &expected)? else {
            return Ok(None);
        };
        let number = unsafe { value.cast::<f64>() }?;
        if !number.is_finite() || !(0.0..=max).contains(&number) {
            return Err(Invalid::Range(format!(
                "{} must be {expected} (got {})",
                self.name(field),
                js_number(number)
            )));
        }
        Ok(Some(number))
    }

    pub fn optional_object(&self, field: &str) -> Checked<Option<Object<'env>>> {
        match self.typed(field, ValueType::Object, "an object")? {
            Some(value) => Ok(Some(unsafe { value.cast::<Object<'env>>() }?)),
            None => Ok(None),
        }
    }

    /// Bytes the JS wrapper already turned into a Uint8Array.
    pub fn optional_bytes(&self, field: &str) -> Checked<Option<Vec<u8>>> {
        let Some(value) = self.get(field)? else {
            return Ok(None);
        };
        if !value.is_typedarray()? {
            return Err(Invalid::Type(format!(
                "{} must be a string, an object, an ArrayBuffer or an ArrayBufferView (got {})",
                self.name(field),
                describe(&value)
            )));
        }
        let bytes = unsafe { value.cast::<Uint8Array>() }?;
        Ok(Some(bytes.to_vec()))
    }
}
