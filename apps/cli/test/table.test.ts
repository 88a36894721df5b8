import { describe, expect, it } from "vitest";
import { fitCell, renderTable } from "../src/output/table.js";

describe("renderTable", () => {
  it("aligns columns under their headers, two spaces apart, without trailing spaces", () => {
    const text = renderTable(
      [{ header: "ID" }, { header: "N", alignRight: true }, { header: "NAME" }],
      [
        ["a", "1", "x"],
        ["bbbb", "100", ""],
      ],
    );
    expect(text.split("\n")).toEqual(["ID      N  NAME", "a       1  x", "bbbb  100"]);
  });

  it("cuts cells over their column's max width with an ellipsis", () => {
    const text = renderTable([{ header: "T", maxWidth: 5 }], [["abcdefgh"], ["abc"]]);
    expect(text.split("\n")).toEqual(["T", "abcd…", "abc"]);
  });

  it("prints only the header for no rows", () => {
    expect(renderTable([{ header: "A" }, { header: "B" }], [])).toBe("A  B");
  });
});

describe("fitCell", () => {
  it("folds newlines and tabs into spaces so a row stays one line", () => {
    expect(fitCell("a\nb\tc", 10)).toBe("a b c");
  });

  it("counts code points, not UTF-16 units", () => {
    expect(fitCell("😀😀😀", 3)).toBe("😀😀😀");
    expect(fitCell("😀😀😀😀", 3)).toBe("😀😀…");
  });
});
