//! The full-text search index, built with Pagefind from the rendered pages.
//!
//! Pagefind splits its index into chunks so a query downloads only what it
//! needs, and ships its own search runtime (JS + WASM), written under
//! `pagefind/`. Pages are indexed in URL order so that the same site always
//! gives the same index bytes (the dev server's index equals a clean build's).

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

/// Pagefind's own ready-made interfaces: the theme has its own search box.
const UNUSED: &[&str] =
    &["pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.", "playground/"];

/// A page to index: its URL (with the base path) and its HTML.
pub(crate) struct Page {
    pub url: String,
    pub html: String,
}

/// Where the index and its runtime go in the output.
pub(crate) const DIR: &str = "pagefind/";

/// Builds the index from pages in the order given (the same order gives the
/// same bytes); returns output-relative paths and bytes.
pub(crate) fn build(pages: impl IntoIterator<Item = Page>, language: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the search indexer: {e}"))?;
    runtime.block_on(async {
        let config = PagefindServiceConfig::builder().force_language(language.to_string()).build();
        let mut index = PagefindIndex::new(Some(config)).map_err(|e| format!("search index: {e}"))?;
        for page in pages {
            index.add_html_file(None, Some(page.url), page.html).await.map_err(|e| format!("search index: {e}"))?;
        }
        let files = index.get_files().await.map_err(|e| format!("search index: {e}"))?;
        Ok(files
            .into_iter()
            .map(|f| (f.filename.to_string_lossy().replace('\\', "/"), f.contents))
            .filter(|(name, _)| !UNUSED.iter().any(|u| name.starts_with(u)))
            .map(|(name, bytes)| (format!("{DIR}{name}"), bytes))
            .collect())
    })
}
