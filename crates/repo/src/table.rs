//! helm's table output (gosuri/uitable as `helm search` and `helm repo list` use it): each
//! column padded to its widest cell, cells wider than the limit cut to `…...`, tab-separated.

/// Renders rows as uitable does with `MaxColWidth = max_width` (0: no limit), plus helm's
/// final newline.
pub fn render(rows: &[Vec<String>], max_width: usize) -> String {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if widths.len() <= i {
                widths.push(0);
            }
            let mut w = cell.chars().count();
            if max_width != 0 && w > max_width {
                w = max_width;
            }
            widths[i] = widths[i].max(w);
        }
    }
    let mut out = String::new();
    for (r, row) in rows.iter().enumerate() {
        if r > 0 {
            out.push('\n');
        }
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, c)| resize(c, widths[i]))
            .collect();
        out.push_str(&cells.join("\t"));
    }
    out.push('\n');
    out
}

/// uitable's `strutil.Resize`: pad on the right, or cut to `width - 3` bytes plus `...`.
fn resize(s: &str, width: usize) -> String {
    let len = s.chars().count();
    if len == width || width == 0 {
        return s.to_owned();
    }
    if len < width {
        let mut out = s.to_owned();
        out.extend(std::iter::repeat_n(' ', width - len));
        return out;
    }
    let keep = width.saturating_sub(3);
    let bytes = &s.as_bytes()[..keep.min(s.len())];
    format!("{}...", String::from_utf8_lossy(bytes))
}

#[cfg(test)]
mod tests {
    #[test]
    fn pads_and_cuts() {
        let rows = vec![
            vec!["NAME".to_owned(), "DESC".to_owned()],
            vec!["a".to_owned(), "0123456789".to_owned()],
        ];
        assert_eq!(super::render(&rows, 8), "NAME\tDESC    \na   \t01234...\n");
    }
}
