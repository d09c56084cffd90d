//! Throughput of the engine on one core: the whole pipeline, each stage on the text as it
//! reaches that stage, and boilerplate learning's pass over the raw pages, so a regression
//! shows which stage (or the learning pass) slowed down.
//!
//! Input: the seed page and the 40 real pages from `tests/fixtures`, each cleaned as one page.
//! `cargo bench --bench pipeline` (add `-- STAGE` to run one).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use zhclean::Page;
use zhclean::{Cleaner, Config};

fn pages() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut paths: Vec<_> = std::fs::read_dir(dir.join("pages"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.push(dir.join("golden/seed.raw.txt"));
    paths.sort();
    paths
        .iter()
        .map(|p| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned())
        .collect()
}

/// Times `f` over every page: one iteration is one pass over all of them.
fn each_page<R>(b: &mut criterion::Bencher, pages: &[String], f: impl Fn(&str) -> R) {
    b.iter(|| {
        for p in pages {
            std::hint::black_box(f(p));
        }
    })
}

fn bench(c: &mut Criterion) {
    let cleaner = Cleaner::new(Config::default()).unwrap();
    let pages = pages();
    let bytes: usize = pages.iter().map(String::len).sum();

    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("clean", |b| each_page(b, &pages, |p| cleaner.clean(p)));
    group.finish();

    // Each stage on its own input: the pages as the stages before it left them.
    let mut staged: Vec<Page> = pages
        .iter()
        .map(|t| Page {
            text: t.clone(),
            ..Page::default()
        })
        .collect();
    let mut group = c.benchmark_group("stage");
    for (name, stage) in cleaner.stages() {
        let input = staged.clone();
        let stage_bytes: usize = input.iter().map(|p| p.text.len()).sum();
        group.throughput(Throughput::Bytes(stage_bytes as u64));
        group.bench_function(name, |b| {
            b.iter_batched(
                || input.clone(),
                |mut pages| {
                    for p in &mut pages {
                        std::hint::black_box(stage.apply(p));
                    }
                    pages
                },
                criterion::BatchSize::LargeInput,
            )
        });
        for p in &mut staged {
            stage.apply(p);
        }
    }
    group.finish();

    // Learning's pass 1 (what every page costs before any is cleaned): with the line keys
    // remembered, as on a site's recurring template lines, and with every key computed, as on
    // lines seen once (titles).
    let mut group = c.benchmark_group("learning");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("page_lines", |b| {
        each_page(b, &pages, |p| cleaner.page_lines(p))
    });
    let converter = &cleaner.tables().converter;
    group.bench_function("page_lines_unremembered", |b| {
        each_page(b, &pages, |p| zhclean::learn::page_lines(p, converter))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
