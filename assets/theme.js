/* Light or dark, for every page: the Dash app, login, error pages and public status pages.
 *
 * The reader's choice ('light', 'dark' or 'auto') is kept in the `jadugar-theme` cookie,
 * which sign-in sets from the person's own choice on the server (users.theme), so it
 * follows them to any browser; localStorage holds a copy for other tabs and for browsers
 * that never signed in. 'auto' (or nothing) follows the system setting
 * (prefers-color-scheme) and changes with it. The mode is
 * Bootstrap's data-bs-theme on <html>, which also drives the dcc.Dropdown and date picker
 * colours (assets/theme.css).
 *
 * Plotly figures are built on the server with the light template (jadugar/ui/theme.py).
 * Before Plotly draws, this file swaps `layout.template` for the current mode's template,
 * and redraws every chart on the page when the mode changes. The templates come from the
 * shell (a dcc.Store) through `jadugarTheme.setTemplates`.
 *
 * Loaded in <head> by the plain HTML pages (so they never flash white) and by Dash as an
 * asset; it only touches Plotly and Dash when they are there.
 */
(function () {
  'use strict';
  if (window.jadugarTheme) return;
  var KEY = 'jadugar-theme';
  var media = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  var templates = null;

  function cookie() {
    var found = document.cookie.match(/(?:^|;\s*)jadugar-theme=(light|dark|auto)(?:;|$)/);
    return found ? found[1] : null;
  }

  function choice() {
    var value = cookie();
    if (value === null) {
      try { value = window.localStorage.getItem(KEY); } catch (e) { /* storage blocked */ }
    }
    return value === 'light' || value === 'dark' ? value : 'auto';
  }

  function mode() {
    var picked = choice();
    if (picked !== 'auto') return picked;
    return media && media.matches ? 'dark' : 'light';
  }

  function themedLayout(layout) {
    if (!templates) return layout;
    var copy = Object.assign({}, layout || {});
    copy.template = templates[mode()];
    return copy;
  }

  // Plotly.react(gd, figure) and Plotly.newPlot(gd, data, layout, config) both take either
  // a figure object as second argument or data and layout apart.
  function themedArgs(args) {
    var out = Array.prototype.slice.call(args);
    var second = out[1];
    if (second && !Array.isArray(second) && typeof second === 'object' && 'data' in second) {
      out[1] = Object.assign({}, second, {layout: themedLayout(second.layout)});
    } else {
      out[2] = themedLayout(out[2]);
    }
    return out;
  }

  // Returns Plotly with react and newPlot themed. Plotly's export may hold its functions
  // as getter-only properties, so when they cannot be replaced in place the page gets a
  // thin object inheriting everything else from Plotly.
  function wrap(Plotly) {
    if (!Plotly || Plotly.__jadugarThemed) return Plotly;
    var target = Plotly;
    var own = Object.getOwnPropertyDescriptor(Plotly, 'react');
    if (own && !own.writable && !own.set && !own.configurable) target = Object.create(Plotly);
    ['react', 'newPlot'].forEach(function (name) {
      var original = Plotly[name];
      if (typeof original !== 'function') return;
      Object.defineProperty(target, name, {configurable: true, writable: true, value: function () {
        return original.apply(Plotly, themedArgs(arguments));
      }});
    });
    Object.defineProperty(target, '__jadugarThemed', {value: true});
    return target;
  }

  // Plotly arrives later, as an async chunk that assigns window.Plotly: wrap it then.
  if (window.Plotly) {
    window.Plotly = wrap(window.Plotly);
  } else {
    var held;
    Object.defineProperty(window, 'Plotly', {
      configurable: true,
      get: function () { return held; },
      set: function (value) { held = wrap(value); },
    });
  }

  function redrawCharts() {
    var Plotly = window.Plotly;
    if (!Plotly || !templates) return;
    document.querySelectorAll('.js-plotly-plot').forEach(function (gd) {
      if (gd.data && gd.layout) Plotly.react(gd, gd.data, gd.layout);
    });
  }

  function apply() {
    var root = document.documentElement;
    var current = mode();
    root.setAttribute('data-bs-theme', current);
    root.setAttribute('data-theme-choice', choice());
    redrawCharts();
  }

  function set(value) {
    var picked = value === 'light' || value === 'dark' ? value : 'auto';
    // At once, for a reload before the server has kept it (the shell's keep_theme).
    document.cookie = 'jadugar-theme=' + picked + '; path=/; max-age=34560000; samesite=lax';
    try {
      if (picked !== 'auto') window.localStorage.setItem(KEY, picked);
      else window.localStorage.removeItem(KEY);
    } catch (e) { /* storage blocked: the cookie keeps it */ }
    apply();
    return mode();
  }

  function setTemplates(value) {
    templates = value || null;
    redrawCharts();
  }

  if (media) {
    if (media.addEventListener) media.addEventListener('change', apply);
    else if (media.addListener) media.addListener(apply);
  }
  // Another tab changed the choice.
  window.addEventListener('storage', function (e) { if (e.key === KEY) apply(); });

  window.jadugarTheme = {choice: choice, mode: mode, set: set, setTemplates: setTemplates,
                         apply: apply};
  apply();
})();
