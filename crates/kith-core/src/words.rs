//! Enums of user-facing words (interaction kinds, ledger statuses, ...), stored and typed as
//! the same lowercase word.

/// Declares an enum whose variants are words: `as_str`, `parse` (case-insensitive), `ALL`,
/// `expected()` for error messages, `Display`, and serde as the word.
macro_rules! word_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $word:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and displayed word.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            /// Parses the word (case-insensitive).
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim().to_lowercase();
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }

            /// The accepted words, for error messages.
            pub fn expected() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use word_enum;
