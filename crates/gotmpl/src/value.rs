//! The dynamic [`Value`] that templates read and functions produce.
//!
//! Go templates run on `reflect.Value`s of arbitrary Go types. Charts can observe those
//! types (`printf "%T"`, Sprig's `typeOf`/`kindOf`, `eq` refusing to compare `int` with
//! `float64`), so a [`Value`] remembers the Go type it stands for: the integer width, the
//! element type of a list, the value type and name of a map, the type name of a host
//! object. Every variant is cheap to clone: strings, lists, maps and objects sit behind
//! an [`Arc`]. Maps are Go's reference type: a clone of a [`Value::Map`] is the same map,
//! and [`Map::insert`]/[`Map::remove`] change it for every holder (see [`Map`]).

use std::any::Any;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::func::{Context, Func, FuncError, Signature};

/// Go's signed integer types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntType {
    /// `int` (64 bits, as on every platform helm ships for).
    Int,
    /// `int8`.
    Int8,
    /// `int16`.
    Int16,
    /// `int32` (also `rune`).
    Int32,
    /// `int64`.
    Int64,
}

/// Go's unsigned integer types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UintType {
    /// `uint`.
    Uint,
    /// `uint8` (also `byte`).
    Uint8,
    /// `uint16`.
    Uint16,
    /// `uint32`.
    Uint32,
    /// `uint64`.
    Uint64,
    /// `uintptr`.
    Uintptr,
}

/// Go's floating-point types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FloatType {
    /// `float32`: printed with 32-bit shortest digits.
    Float32,
    /// `float64`.
    Float64,
}

impl IntType {
    /// The Go spelling, e.g. `int64`.
    pub fn name(self) -> &'static str {
        match self {
            IntType::Int => "int",
            IntType::Int8 => "int8",
            IntType::Int16 => "int16",
            IntType::Int32 => "int32",
            IntType::Int64 => "int64",
        }
    }
}

impl UintType {
    /// The Go spelling, e.g. `uint8`.
    pub fn name(self) -> &'static str {
        match self {
            UintType::Uint => "uint",
            UintType::Uint8 => "uint8",
            UintType::Uint16 => "uint16",
            UintType::Uint32 => "uint32",
            UintType::Uint64 => "uint64",
            UintType::Uintptr => "uintptr",
        }
    }
}

impl FloatType {
    /// The Go spelling, e.g. `float64`.
    pub fn name(self) -> &'static str {
        match self {
            FloatType::Float32 => "float32",
            FloatType::Float64 => "float64",
        }
    }
}

/// A Go type, as far as templates can observe it: element types of lists and maps, and
/// the parameter types of functions (which decide Go's argument conversions and errors).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GoType {
    /// `interface {}` (`any`): accepts every value.
    Interface,
    /// `reflect.Value`: accepts every value, including the invalid "no value"; the
    /// parameter type of most text/template builtins.
    ReflectValue,
    /// `bool`.
    Bool,
    /// A signed integer type.
    Int(IntType),
    /// An unsigned integer type.
    Uint(UintType),
    /// A floating-point type.
    Float(FloatType),
    /// `string`.
    String,
    /// `[]T`. `[]uint8` is the type of [`Value::Bytes`].
    Slice(Box<GoType>),
    /// `map[string]T`.
    Map(Box<GoType>),
    /// A named type such as `*semver.Version` or `chartutil.Values`: matches host objects
    /// and named maps of that name.
    Named(Arc<str>),
}

impl GoType {
    /// `[]interface {}`.
    pub fn list() -> GoType {
        GoType::Slice(Box::new(GoType::Interface))
    }

    /// `map[string]interface {}`.
    pub fn map() -> GoType {
        GoType::Map(Box::new(GoType::Interface))
    }

    /// The Go spelling used by `%T`, e.g. `map[string]interface {}`.
    pub fn name(&self) -> Cow<'static, str> {
        match self {
            GoType::Interface => Cow::Borrowed("interface {}"),
            GoType::ReflectValue => Cow::Borrowed("reflect.Value"),
            GoType::Bool => Cow::Borrowed("bool"),
            GoType::Int(t) => Cow::Borrowed(t.name()),
            GoType::Uint(t) => Cow::Borrowed(t.name()),
            GoType::Float(t) => Cow::Borrowed(t.name()),
            GoType::String => Cow::Borrowed("string"),
            GoType::Slice(e) => Cow::Owned(format!("[]{}", e.name())),
            GoType::Map(e) => Cow::Owned(format!("map[string]{}", e.name())),
            GoType::Named(n) => Cow::Owned(n.to_string()),
        }
    }

    /// Go's `reflect.Zero(T)` for this type: what a missing map key yields under
    /// `missingkey=zero` and what `index` returns for an absent key.
    pub fn zero(&self) -> Value {
        match self {
            GoType::Interface | GoType::Named(_) => Value::Nil,
            GoType::ReflectValue => Value::Missing,
            GoType::Bool => Value::Bool(false),
            GoType::Int(t) => Value::Int(0, *t),
            GoType::Uint(t) => Value::Uint(0, *t),
            GoType::Float(t) => Value::Float(0.0, *t),
            GoType::String => Value::String(Str::from("")),
            GoType::Slice(e) if **e == GoType::Uint(UintType::Uint8) => {
                Value::Bytes(Arc::from(&[][..]))
            }
            GoType::Slice(e) => Value::List(Arc::new(List::typed((**e).clone(), Vec::new()))),
            GoType::Map(e) => Value::Map(Arc::new(Map::nil((**e).clone()))),
        }
    }

    /// Whether Go lets an untyped `nil` be assigned to this type (`canBeNil`).
    pub fn can_be_nil(&self) -> bool {
        matches!(
            self,
            GoType::Interface
                | GoType::ReflectValue
                | GoType::Slice(_)
                | GoType::Map(_)
                | GoType::Named(_)
        )
    }

    /// Whether a value of this Go type may be assigned to a parameter of type `self`
    /// (Go's `AssignableTo`, restricted to the types a [`Value`] can have).
    pub fn accepts(&self, v: &Value) -> bool {
        match (self, v) {
            (GoType::Interface | GoType::ReflectValue, _) => true,
            (GoType::Bool, Value::Bool(_)) => true,
            (GoType::Int(t), Value::Int(_, u)) => t == u,
            (GoType::Uint(t), Value::Uint(_, u)) => t == u,
            (GoType::Float(t), Value::Float(_, u)) => t == u,
            (GoType::String, Value::String(_)) => true,
            (GoType::Slice(e), Value::Bytes(_)) => **e == GoType::Uint(UintType::Uint8),
            // A named slice type is assignable to its unnamed underlying type.
            (GoType::Slice(e), Value::List(l)) => **e == l.elem,
            // A named map type is assignable to its unnamed underlying type.
            (GoType::Map(e), Value::Map(m)) => **e == m.elem,
            (GoType::Named(n), Value::Object(o)) => o.type_name() == &**n,
            (GoType::Named(n), Value::Map(m)) => m.name.as_deref() == Some(&**n),
            (GoType::Named(n), Value::List(l)) => l.name.as_deref() == Some(&**n),
            _ => false,
        }
    }
}

impl fmt::Display for GoType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// An immutable shared string, Go's `string`.
pub type Str = Arc<str>;

/// A Go slice: its elements and its element type (`[]interface {}` vs `[]string`).
#[derive(Debug, Clone, PartialEq)]
pub struct List {
    /// The element type; `%T` prints `[]` followed by its name.
    pub elem: GoType,
    /// A named slice type (e.g. `chartutil.Files`); `None` for `[]T`.
    pub name: Option<Str>,
    /// The elements.
    pub items: Vec<Value>,
}

impl Drop for List {
    fn drop(&mut self) {
        // Deeply nested data: drop without overflowing the stack.
        let items = std::mem::take(&mut self.items);
        if !items.is_empty() {
            stacker::maybe_grow(32 * 1024, 1024 * 1024, move || drop(items));
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // Deeply nested data: drop without overflowing the stack.
        let entries = std::mem::take(self.0.get_mut().unwrap_or_else(PoisonError::into_inner));
        if !entries.is_empty() {
            stacker::maybe_grow(32 * 1024, 1024 * 1024, move || drop(entries));
        }
    }
}

impl List {
    /// A `[]interface {}`.
    pub fn new(items: Vec<Value>) -> List {
        List {
            elem: GoType::Interface,
            name: None,
            items,
        }
    }

    /// A slice with the given element type, e.g. `[]string`.
    pub fn typed(elem: GoType, items: Vec<Value>) -> List {
        List {
            elem,
            name: None,
            items,
        }
    }

    /// The Go type name.
    pub fn type_name(&self) -> Cow<'_, str> {
        match &self.name {
            Some(n) => Cow::Borrowed(n),
            None => Cow::Owned(format!("[]{}", self.elem.name())),
        }
    }
}

/// A Go map with string keys, iterated (and printed) in sorted key order as Go does.
///
/// Go maps are references: assigning a map to a variable, passing it to a function or
/// template, or storing it in another map shares it, and a change made through one of
/// these handles (Sprig's `set`, `unset`, `merge`) is seen through all of them
/// (<https://go.dev/blog/maps>, "Map types are reference types"). A `Map` therefore keeps
/// its entries behind a shared lock: cloning the [`Arc`] in [`Value::Map`] shares the map,
/// [`Map::insert`] and [`Map::remove`] change it for every holder.
///
/// The entries are only reachable through short method calls that copy what they
/// return; no lock is held while templates run, so a function called inside a `range`
/// over a map may change that map (Go tolerates it; `range` iterates a
/// [`Map::snapshot`]).
///
/// ```
/// use charthouse_gotmpl::Value;
/// let d = Value::map_from([("a", Value::int(1))]);
/// let alias = d.clone();
/// alias.as_map().unwrap().insert("b", Value::int(2));
/// assert_eq!(d.as_map().unwrap().get("b"), Some(Value::int(2)));
/// ```
pub struct Map {
    /// The value type; `interface {}` for the maps YAML decoding and Sprig produce.
    pub elem: GoType,
    /// A named map type, e.g. `chartutil.Values`; `None` for `map[string]T`.
    pub name: Option<Str>,
    /// The entries, sorted by key (Go sorts keys byte-wise, as `String`'s `Ord` does),
    /// shared with every conversion of this map ([`Map::converted`]).
    store: Arc<Store>,
    /// Whether this is Go's nil map of its type (see [`Map::nil`]).
    nil: bool,
}

/// The shared, mutable inside of a [`Map`].
struct Store(RwLock<BTreeMap<String, Value>>);

impl Map {
    /// A `map[string]interface {}`.
    pub fn new(entries: BTreeMap<String, Value>) -> Map {
        Map::with_type(GoType::Interface, None, entries)
    }

    /// A map with the given value type, e.g. `map[string]string`.
    pub fn typed(elem: GoType, entries: BTreeMap<String, Value>) -> Map {
        Map::with_type(elem, None, entries)
    }

    /// A map of a named type, e.g. `chartutil.Values` (underlying `map[string]interface {}`).
    pub fn named(name: &str, entries: BTreeMap<String, Value>) -> Map {
        Map::with_type(GoType::Interface, Some(name), entries)
    }

    /// A map with the given value type and optional type name.
    pub fn with_type(elem: GoType, name: Option<&str>, entries: BTreeMap<String, Value>) -> Map {
        Map {
            elem,
            name: name.map(Str::from),
            store: Arc::new(Store(RwLock::new(entries))),
            nil: false,
        }
    }

    /// Go's nil map of type `map[string]elem` (`reflect.Zero` of a map type: what a
    /// `nil` argument to a map parameter becomes). It reads as empty, but Go panics on
    /// `m[k] = v` into it ("assignment to entry in nil map") and `encoding/json` writes it
    /// as `null`: callers that write check [`Map::is_nil`] first, as Go would fail.
    pub fn nil(elem: GoType) -> Map {
        Map {
            nil: true,
            ..Map::typed(elem, BTreeMap::new())
        }
    }

    /// Whether this is a nil map ([`Map::nil`]).
    pub fn is_nil(&self) -> bool {
        self.nil
    }

    /// Go's conversion of this map to another map type with the same underlying type
    /// (`map[string]interface{}(values)`, helm's `Values.Table`): the result has the
    /// new static type but shares the entries, as a converted Go map does.
    pub fn converted(&self, elem: GoType, name: Option<&str>) -> Map {
        Map {
            elem,
            name: name.map(Str::from),
            store: Arc::clone(&self.store),
            nil: self.nil,
        }
    }

    // A poisoned lock only means another thread panicked while holding it; the map
    // itself is still a valid BTreeMap, so carry on with it rather than panic.
    fn read(&self) -> RwLockReadGuard<'_, BTreeMap<String, Value>> {
        self.store.0.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, BTreeMap<String, Value>> {
        self.store.0.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// The value under `key` (a cheap clone).
    pub fn get(&self, key: &str) -> Option<Value> {
        self.read().get(key).cloned()
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.read().contains_key(key)
    }

    /// The number of entries (Go's `len`).
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    /// The keys, sorted.
    pub fn keys(&self) -> Vec<String> {
        self.read().keys().cloned().collect()
    }

    /// A shallow copy of the entries as they are now, for iterating: the map may change
    /// while the copy is walked (a function called inside `range` may `set` on it).
    pub fn snapshot(&self) -> BTreeMap<String, Value> {
        self.read().clone()
    }

    /// Sets `key` to `value` for every holder of this map (Go's `m[key] = value`);
    /// returns the value it replaced.
    pub fn insert(&self, key: impl Into<String>, value: Value) -> Option<Value> {
        // The replaced value is dropped by the caller, after the lock is released.
        self.write().insert(key.into(), value)
    }

    /// Removes `key` for every holder of this map (Go's `delete(m, key)`); returns the
    /// removed value.
    pub fn remove(&self, key: &str) -> Option<Value> {
        self.write().remove(key)
    }

    /// Whether `a` and `b` are the same Go map (one changes when the other does).
    pub fn ptr_eq(a: &Map, b: &Map) -> bool {
        Arc::ptr_eq(&a.store, &b.store)
    }

    /// An identity of the shared entries, equal for handles of the same Go map: what
    /// walkers of nested data remember to notice reference cycles (a map set into
    /// itself), which Go would follow until its stack overflows.
    pub fn id(&self) -> usize {
        Arc::as_ptr(&self.store) as usize
    }

    /// The Go type name.
    pub fn type_name(&self) -> Cow<'_, str> {
        match &self.name {
            Some(n) => Cow::Borrowed(n),
            None => Cow::Owned(format!("map[string]{}", self.elem.name())),
        }
    }
}

impl fmt::Debug for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.snapshot().iter()).finish()
    }
}

impl PartialEq for Map {
    /// Equal types and equal contents (for tests; Go cannot compare maps). Compares
    /// snapshots, so no lock is held while nested values are compared.
    fn eq(&self, other: &Map) -> bool {
        self.elem == other.elem
            && self.name == other.name
            && (Map::ptr_eq(self, other) || self.snapshot() == other.snapshot())
    }
}

impl Value {
    /// Whether this value reaches itself through maps it contains (a map `set` into
    /// itself, directly or through nested maps and lists). Go has no such check: printing
    /// or copying such a value overflows its stack; walkers here call this first, or
    /// track [`Map::id`]s themselves, to fail with an error instead.
    pub fn is_cyclic(&self) -> bool {
        let mut path = HashSet::new();
        let mut done = HashSet::new();
        cyclic(self, &mut path, &mut done)
    }
}

impl Value {
    /// A copy that shares no map with `self`: every map and list is copied,
    /// recursively, keeping its Go type (what Go's `copystructure.Copy` produces);
    /// strings, numbers, host objects and functions are immutable and stay shared.
    /// `None` when the value [is cyclic](Value::is_cyclic).
    pub fn deep_copy(&self) -> Option<Value> {
        copy_value(self, &mut HashSet::new())
    }
}

/// `path` holds the ids of the maps being copied, to stop on a cycle.
fn copy_value(v: &Value, path: &mut HashSet<usize>) -> Option<Value> {
    stacker::maybe_grow(32 * 1024, 1024 * 1024, || match v {
        Value::Map(m) => {
            if path.contains(&m.id()) {
                return None;
            }
            path.insert(m.id());
            let mut entries = BTreeMap::new();
            for (k, e) in m.snapshot() {
                entries.insert(k, copy_value(&e, path)?);
            }
            path.remove(&m.id());
            let mut copy = Map::with_type(m.elem.clone(), m.name.as_deref(), entries);
            copy.nil = m.nil;
            Some(Value::Map(Arc::new(copy)))
        }
        Value::List(l) => {
            let items = l
                .items
                .iter()
                .map(|e| copy_value(e, path))
                .collect::<Option<Vec<_>>>()?;
            Some(Value::List(Arc::new(List {
                elem: l.elem.clone(),
                name: l.name.clone(),
                items,
            })))
        }
        other => Some(other.clone()),
    })
}

/// Depth-first search with the maps on the current path (a map met again on the path
/// closes a cycle) and the maps and lists already found acyclic (so that data shared
/// many times is walked once).
fn cyclic(v: &Value, path: &mut HashSet<usize>, done: &mut HashSet<usize>) -> bool {
    stacker::maybe_grow(32 * 1024, 1024 * 1024, || match v {
        Value::Map(m) => {
            let id = m.id();
            if done.contains(&id) {
                return false;
            }
            if path.contains(&id) {
                return true;
            }
            path.insert(id);
            let found = m.snapshot().values().any(|e| cyclic(e, path, done));
            path.remove(&id);
            if !found {
                done.insert(id);
            }
            found
        }
        Value::List(l) => {
            let id = Arc::as_ptr(l) as usize;
            if done.contains(&id) {
                return false;
            }
            let found = l.items.iter().any(|e| cyclic(e, path, done));
            if !found {
                done.insert(id);
            }
            found
        }
        _ => false,
    })
}

/// A host object: a Go struct or named type offered by the embedder, with fields and
/// methods, such as helm's `.Files`, `.Capabilities` or a parsed semver.
///
/// Field chains (`.Files.Get "a"`, `.Capabilities.KubeVersion.Major`) look up a
/// *method* first and then a *field*, as Go does. Methods are declared with a
/// [`Signature`] so that the executor checks argument counts and types with Go's exact
/// messages before calling [`Object::call_method`].
///
/// # Example
///
/// ```
/// use std::sync::Arc;
/// use charthouse_gotmpl::{Context, FuncError, GoType, Object, Signature, Templates, Value};
///
/// #[derive(Debug)]
/// struct Versions(Vec<String>);
///
/// impl Object for Versions {
///     fn type_name(&self) -> &str { "chartutil.VersionSet" }
///     fn method(&self, name: &str) -> Option<Signature> {
///         (name == "Has").then(|| Signature::new(vec![GoType::String], GoType::Bool))
///     }
///     fn call_method(&self, _name: &str, _ctx: &Context<'_>, args: &[Value]) -> Result<Value, FuncError> {
///         let want = args[0].as_str().unwrap_or_default();
///         Ok(Value::Bool(self.0.iter().any(|v| v == want)))
///     }
/// }
///
/// let mut t = Templates::new();
/// t.parse("t", r#"{{ .Has "v1" }} {{ .Has "v2" }}"#).unwrap();
/// let data = Value::Object(Arc::new(Versions(vec!["v1".into()])));
/// assert_eq!(t.execute("t", &data).unwrap(), "true false");
/// ```
pub trait Object: Any + fmt::Debug + Send + Sync {
    /// The Go type name printed by `%T` and used in error messages, e.g.
    /// `*semver.Version`.
    fn type_name(&self) -> &str;

    /// The `reflect.Kind` name Sprig's `kindOf` reports: `struct`, `ptr`, `map`, ...
    fn kind(&self) -> &str {
        "struct"
    }

    /// The value of field (or map key) `name`, or `None` if there is no such field.
    fn field(&self, name: &str) -> Option<Value> {
        let _ = name;
        None
    }

    /// The signature of method `name`, or `None` if there is no such method.
    fn method(&self, name: &str) -> Option<Signature> {
        let _ = name;
        None
    }

    /// Calls method `name` (for which [`Object::method`] returned a signature) with
    /// arguments already checked against that signature.
    ///
    /// # Errors
    ///
    /// An error stops execution; Go prints it as `error calling NAME: MSG`.
    fn call_method(
        &self,
        name: &str,
        ctx: &Context<'_>,
        args: &[Value],
    ) -> Result<Value, FuncError> {
        let _ = (ctx, args);
        Err(FuncError::new(format!("method {name} not implemented")))
    }

    /// Go's default (`%v`) printing of the object (what its `String()` method or fmt's
    /// struct printing would give), appended to `out`.
    ///
    /// The default appends nothing: an object that prints nothing prints as its
    /// [`Object::as_data`] (Go prints a map or slice type as its contents), or as `{}`.
    fn fmt_value(&self, out: &mut String) {
        let _ = out;
    }

    /// A plain-data view (list or map) for objects whose Go type is a named map or slice
    /// type (helm's `.Files` is a `map[string][]byte`, `.Values` a `map[string]interface{}`
    /// with methods). It is used by `range`, `len`, `index` and truth; for field access
    /// after `field` returned `None` (so a missing key follows the `missingkey` option);
    /// and when the object is passed to a parameter of the underlying type.
    fn as_data(&self) -> Option<Value> {
        None
    }
}

/// A dynamic Go value.
///
/// Cloning is cheap (reference counts only); execution never deep-copies data. A
/// cloned map is the same Go map (changes through one clone show in all);
/// [`Value::deep_copy`] makes an independent copy.
#[derive(Clone, Default)]
pub enum Value {
    /// Go's invalid `reflect.Value`: what a missing map key yields under
    /// `missingkey=default` and what an `interface {}` nil becomes after a pipeline.
    /// Printed as `<no value>` by an action, as `<nil>` by `print`.
    #[default]
    Missing,
    /// A nil `interface {}` (and Go's untyped `nil`): a YAML `null`, a missing key under
    /// `missingkey=zero`. Field access on it fails with `nil pointer evaluating`.
    Nil,
    /// `bool`.
    Bool(bool),
    /// A signed integer of the given Go type. Template number literals are `int`.
    Int(i64, IntType),
    /// An unsigned integer of the given Go type (`index` of a string yields `uint8`).
    Uint(u64, UintType),
    /// A float of the given Go type. Helm reads YAML numbers as `float64`.
    Float(f64, FloatType),
    /// `string`.
    String(Str),
    /// `[]byte` (`%T` prints `[]uint8`).
    Bytes(Arc<[u8]>),
    /// A slice.
    List(Arc<List>),
    /// A map with string keys.
    Map(Arc<Map>),
    /// A host object.
    Object(Arc<dyn Object>),
    /// A function value, callable with the `call` builtin.
    Func(Func),
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Missing => f.write_str("Missing"),
            Value::Nil => f.write_str("Nil"),
            Value::Bool(b) => write!(f, "Bool({b})"),
            Value::Int(i, t) => write!(f, "{}({i})", t.name()),
            Value::Uint(u, t) => write!(f, "{}({u})", t.name()),
            Value::Float(x, t) => write!(f, "{}({x:?})", t.name()),
            Value::String(s) => write!(f, "{s:?}"),
            Value::Bytes(b) => write!(f, "Bytes({b:?})"),
            Value::List(l) => f.debug_list().entries(l.items.iter()).finish(),
            Value::Map(m) => fmt::Debug::fmt(&**m, f),
            Value::Object(o) => o.fmt(f),
            Value::Func(func) => write!(f, "Func({})", func.name()),
        }
    }
}

impl PartialEq for Value {
    /// Structural equality, for tests. (Template `eq` follows Go's rules instead.)
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Missing, Value::Missing) | (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a, t), Value::Int(b, u)) => a == b && t == u,
            (Value::Uint(a, t), Value::Uint(b, u)) => a == b && t == u,
            (Value::Float(a, t), Value::Float(b, u)) => a == b && t == u,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Bytes(a), Value::Bytes(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Map(a), Value::Map(b)) => a == b,
            (Value::Object(a), Value::Object(b)) => Arc::ptr_eq(a, b),
            (Value::Func(a), Value::Func(b)) => a.ptr_eq(b),
            _ => false,
        }
    }
}

impl Value {
    /// A Go `int`.
    pub fn int(i: i64) -> Value {
        Value::Int(i, IntType::Int)
    }

    /// A Go `int64` (what Sprig's arithmetic returns).
    pub fn int64(i: i64) -> Value {
        Value::Int(i, IntType::Int64)
    }

    /// A Go `uint64`.
    pub fn uint64(u: u64) -> Value {
        Value::Uint(u, UintType::Uint64)
    }

    /// A Go `float64`.
    pub fn float(f: f64) -> Value {
        Value::Float(f, FloatType::Float64)
    }

    /// A Go `string`.
    pub fn string(s: impl Into<Str>) -> Value {
        Value::String(s.into())
    }

    /// A `[]interface {}`.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(List::new(items)))
    }

    /// A `[]string`.
    pub fn string_list<S: Into<Str>>(items: impl IntoIterator<Item = S>) -> Value {
        Value::List(Arc::new(List::typed(
            GoType::String,
            items.into_iter().map(|s| Value::String(s.into())).collect(),
        )))
    }

    /// A `map[string]interface {}`.
    pub fn map(entries: BTreeMap<String, Value>) -> Value {
        Value::Map(Arc::new(Map::new(entries)))
    }

    /// A `map[string]interface {}` from pairs.
    pub fn map_from<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::map(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The Go type name printed by `%T`; `<nil>` for nil.
    pub fn type_name(&self) -> Cow<'_, str> {
        match self {
            Value::Missing | Value::Nil => Cow::Borrowed("<nil>"),
            Value::Bool(_) => Cow::Borrowed("bool"),
            Value::Int(_, t) => Cow::Borrowed(t.name()),
            Value::Uint(_, t) => Cow::Borrowed(t.name()),
            Value::Float(_, t) => Cow::Borrowed(t.name()),
            Value::String(_) => Cow::Borrowed("string"),
            Value::Bytes(_) => Cow::Borrowed("[]uint8"),
            Value::List(l) => l.type_name(),
            Value::Map(m) => m.type_name(),
            Value::Object(o) => Cow::Borrowed(o.type_name()),
            Value::Func(f) => Cow::Owned(f.signature().type_name()),
        }
    }

    /// The `reflect.Kind` name, as Sprig's `kindOf` prints it (`invalid` for nil).
    pub fn kind_name(&self) -> &str {
        match self {
            Value::Missing | Value::Nil => "invalid",
            Value::Bool(_) => "bool",
            Value::Int(_, t) => t.name(),
            Value::Uint(_, t) => t.name(),
            Value::Float(_, t) => t.name(),
            Value::String(_) => "string",
            Value::Bytes(_) | Value::List(_) => "slice",
            Value::Map(_) => "map",
            Value::Object(o) => o.kind(),
            Value::Func(_) => "func",
        }
    }

    /// Whether this is `Missing` or `Nil`.
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Missing | Value::Nil)
    }

    /// Go template truth (`if`, `and`, `or`, `not`): false for nil, zero numbers, empty
    /// strings, lists and maps. `None` for values Go cannot judge.
    pub fn truth(&self) -> bool {
        match self {
            Value::Missing | Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i, _) => *i != 0,
            Value::Uint(u, _) => *u != 0,
            Value::Float(f, _) => *f != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.items.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Object(o) => match o.as_data() {
                Some(d) => d.truth(),
                None => true,
            },
            Value::Func(_) => true,
        }
    }

    /// The string, if this is a Go `string`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer value of any Go integer type that fits in `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i, _) => Some(*i),
            Value::Uint(u, _) => i64::try_from(*u).ok(),
            _ => None,
        }
    }

    /// The float, if this is a Go float.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Float(f, _) => Some(*f),
            _ => None,
        }
    }

    /// The bool, if this is a Go `bool`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The list, if this is a slice.
    pub fn as_list(&self) -> Option<&List> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// The map, if this is a map.
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The host object, if this is one.
    pub fn as_object(&self) -> Option<&Arc<dyn Object>> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The host object as its concrete Rust type, if it is a `T`.
    pub fn downcast_object<T: Object>(&self) -> Option<&T> {
        match self {
            Value::Object(o) => {
                let any: &dyn Any = &**o;
                any.downcast_ref::<T>()
            }
            _ => None,
        }
    }

    /// Go's `fmt.Sprint(v)`: the default printing (`%v`).
    pub fn to_go_string(&self) -> String {
        crate::gofmt::sprint(std::slice::from_ref(self))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    /// A Go `int` (the type of template literals and `len`).
    fn from(i: i64) -> Value {
        Value::int(i)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::float(f)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(Str::from(s))
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(Str::from(s))
    }
}

impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Value {
        Value::list(v)
    }
}

impl From<BTreeMap<String, Value>> for Value {
    fn from(m: BTreeMap<String, Value>) -> Value {
        Value::map(m)
    }
}

/// Keeps `Func`'s signature type reachable for docs.
#[allow(dead_code)]
fn _assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<Value>();
}
