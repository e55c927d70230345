// Compiles GOV.UK Frontend (Sass) with the portal's settings and copies the
// JavaScript and images into portal/static/dist, which Flask serves.
import { compile } from "sass";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";

const govuk = "node_modules/govuk-frontend/dist/govuk";
const out = "portal/static/dist";

mkdirSync(out, { recursive: true });
const css = compile("portal/static/src/portal.scss", {
  loadPaths: ["node_modules"],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(`${out}/portal.css`, css.css);
cpSync(`${govuk}/govuk-frontend.min.js`, `${out}/govuk-frontend.min.js`);
cpSync(`${govuk}/assets/images`, `${out}/assets/images`, { recursive: true });
cpSync(`${govuk}/assets/manifest.json`, `${out}/assets/manifest.json`);
console.log(`built ${out}/portal.css (${css.css.length} bytes)`);
