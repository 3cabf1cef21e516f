// Observable Framework configuration for the boards (the pages come with the boards issue).
export default {
  title: "Support appraisal",
  root: "src",
  // No web fonts from a CDN: the site must build and render offline.
  globalStylesheets: [],
};
