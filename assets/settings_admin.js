/* Settings (pages/settings.py): the small things that need no server round trip.
 *
 * clearErrors: a field's error goes away as soon as the field changes (inputs and outputs
 *   pair up in order; the last output is the form-wide slot, cleared by any change).
 * closeModal: Cancel on a delete confirmation.
 * syncTab: the chosen tab is kept in the URL (?tab=checks), so it survives reload and can
 *   be linked to; /settings#checks opens that tab too. replaceState does not make Dash
 *   route again (it listens for pushState and popstate only).
 */
(function () {
  'use strict';
  var ns = window.dash_clientside = window.dash_clientside || {};

  ns.jadugarSettings = {
    clearErrors: function () {
      var cc = ns.callback_context;
      var changed = (cc.triggered || []).map(function (t) { return t.prop_id.split('.')[0]; });
      var inputs = cc.inputs_list || [];
      var out = inputs.map(function (i) {
        var id = typeof i.id === 'string' ? i.id : JSON.stringify(i.id);
        return changed.indexOf(id) >= 0 ? null : ns.no_update;
      });
      out.push(changed.length ? null : ns.no_update);
      return out;
    },
    closeModal: function (n) {
      return n ? false : ns.no_update;
    },
    syncTab: function (tab, known) {
      var wanted = tab;
      if (window.location.hash) {  // cleared below, so only the first call sees it
        var hash = decodeURIComponent(window.location.hash.replace(/^#/, ''));
        var fromHash = hash && (hash.indexOf('set-') === 0 ? hash : 'set-' + hash);
        if (fromHash && (known || []).indexOf(fromHash) >= 0) { wanted = fromHash; }
      }
      if (wanted) {
        var url = new URL(window.location.href);
        url.searchParams.set('tab', wanted.replace(/^set-/, ''));
        url.hash = '';
        window.history.replaceState(window.history.state, '', url.toString());
      }
      return wanted === tab ? ns.no_update : wanted;
    }
  };
}());
