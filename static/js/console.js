/* VPC Endpoint console: the little behaviour htmx and Bootstrap leave to us.
   Loaded as a file (no inline script), so the strict Content-Security-Policy holds. */
(function () {
  "use strict";

  // Status badges and disabled buttons explain themselves on hover and on keyboard focus.
  // This script is deferred, so a fast keyboard user can reach a badge before it runs: the
  // one that already has focus shows its tooltip now rather than only after the next focus.
  function initTooltips(root) {
    root.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
      var tooltip = bootstrap.Tooltip.getOrCreateInstance(el, { trigger: "hover focus" });
      if (el === document.activeElement) tooltip.show();
    });
  }

  // A confirmation fetched over htmx into #modal-slot opens as a modal; closing removes it
  // and gives focus back to what opened it (Bootstrap does so only for its own data-bs-toggle
  // openers), so a keyboard user carries on from the row they were on.
  function openModal(slot) {
    var el = slot.querySelector(".modal");
    if (!el) return;
    var opener = document.activeElement;
    var modal = bootstrap.Modal.getOrCreateInstance(el);
    el.addEventListener("hidden.bs.modal", function () {
      slot.innerHTML = "";
      if (opener && opener !== document.body && document.contains(opener)) opener.focus();
    }, { once: true });
    modal.show();
  }

  document.addEventListener("DOMContentLoaded", function () { initTooltips(document); });
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "modal-slot") openModal(target);
    document.querySelectorAll(".tooltip").forEach(function (t) { t.remove(); });
    initTooltips(document);
  });

  // Row buttons (port mappings, tags, whitelist accounts) post _action=add_<rows> or
  // remove_<rows>-<n> and htmx re-renders the section they are in: the button pressed is gone,
  // and focus would fall to <body>. Afterwards focus goes where the keyboard user carries on:
  // after 添加, to the first field of the new (last) row; after 删除, to the previous row's
  // delete button (the new first row's if the first was removed), else to the add button.
  var rowAction = null;

  function rowControls(rows) {
    return document.querySelectorAll('button[name="_action"][value^="remove_' + rows + '-"]');
  }

  function focusAfterRowAction(action) {
    var deletes = rowControls(action.rows);
    var addButton = document.querySelector('button[name="_action"][value="add_' + action.rows + '"]');
    var target = null;
    if (action.index < 0) {
      var last = deletes.length ? deletes[deletes.length - 1].closest("tr") : null;
      if (!last && addButton) {
        var rows = addButton.closest("fieldset, form").querySelectorAll("tbody tr");
        last = rows.length ? rows[rows.length - 1] : null;
      }
      target = last && last.querySelector(
        "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])"
      );
    } else if (deletes.length) {
      target = deletes[Math.min(Math.max(action.index - 1, 0), deletes.length - 1)];
    }
    target = target || addButton;
    if (target) target.focus();
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var value = elt && elt.name === "_action" ? elt.value || "" : "";
    var match = /^(add|remove)_([\w-]+?)(?:-(\d+))?$/.exec(value);
    // Only a row button sets it: another request starting meanwhile (a badge's poll) must
    // not clear the row request's focus target before that request settles.
    if (!match || (match[1] === "add") !== (match[3] === undefined)) return;
    rowAction = {
      rows: match[2],
      index: match[3] === undefined ? -1 : parseInt(match[3], 10),
      xhr: event.detail.xhr,
    };
  });
  // Only the settle of that very request: another one (the inbox badge's, loaded with the
  // page) may settle first, and moving focus then would lose it to the swap that follows.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!rowAction || (rowAction.xhr && event.detail.xhr !== rowAction.xhr)) return;
    var action = rowAction;
    rowAction = null;
    focusAfterRowAction(action);
  });

  // Below lg the sidebar is an offcanvas: Bootstrap gives it role=dialog while open, which
  // needs a name; a plain div must not carry one otherwise (ARIA prohibits it).
  document.addEventListener("show.bs.offcanvas", function (event) {
    var label = event.target.getAttribute("data-label");
    if (label) event.target.setAttribute("aria-label", label);
  });
  document.addEventListener("hidden.bs.offcanvas", function (event) {
    if (event.target.hasAttribute("data-label")) event.target.removeAttribute("aria-label");
  });

  // "Select all" checkboxes: data-select-all="endpoint" ticks every input[name=endpoint].
  document.addEventListener("change", function (event) {
    var name = event.target.getAttribute && event.target.getAttribute("data-select-all");
    if (!name) return;
    document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
      box.checked = event.target.checked;
    });
  });
})();
