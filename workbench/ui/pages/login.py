"""Log in / log out; admins also manage users here.

Session state:
    "user"   workbench.store.User of whoever is logged in (set here; None or absent = logged out)
    "store"  optional workbench.store.CaseStore to use (default: shared_store(), i.e.
             WORKBENCH_DATABASE_URL or the local SQLite file)
    "logout_reason"  why the session guard (ui/state.py) logged the user out, shown once

Failed log-ins are throttled per account and per browser address by the store; a locked
account's message says when to try again.
"""
import streamlit as st

from workbench.store import AuthenticationError, Permission, Role, StoreError
from workbench.ui import state

store = state.store()
user = st.session_state.get("user")

st.title("Log in")
if reason := st.session_state.pop("logout_reason", None):
    st.warning(reason)
if user is not None:
    st.success(f"Logged in as **{user.display_name}** ({user.username}, {user.role.value}).")
    if st.button("Log out", key="logout"):
        st.session_state["user"] = None
        st.rerun()
elif not store.has_users():
    st.info("No users yet. Create the first administrator on the server:\n\n"
            "`workbench add-user <username> --role admin --name \"<full name>\"`")
else:
    with st.form("login_form"):
        username = st.text_input("Username", key="login_username")
        password = st.text_input("Password", type="password", key="login_password")
        submitted = st.form_submit_button("Log in")
    if submitted:
        try:
            client = st.context.ip_address  # the browser's address, for throttling (None when unknown)
            st.session_state["user"] = store.authenticate(username.strip(), password,
                                                          client=client if isinstance(client, str) else None)
        except AuthenticationError as problem:
            st.error(f"Log-in failed: {problem}.")
        else:
            st.rerun()

if user is not None and user.role.may(Permission.MANAGE_USERS):
    st.header("Users")
    st.dataframe([{"username": u.username, "name": u.display_name, "role": u.role.value, "active": u.active}
                  for u in store.users()], hide_index=True, key="users_table")
    with st.form("add_user_form", clear_on_submit=True):
        st.subheader("Add a user")
        new_username = st.text_input("Username", key="new_username")
        new_name = st.text_input("Full name (printed in signature blocks)", key="new_name")
        new_role = st.selectbox("Role", [r.value for r in Role], key="new_role")
        new_password = st.text_input("Initial password", type="password", key="new_password",
                                     help="At least 10 characters (12 for directors and administrators), hard to "
                                          "guess and not built on the username: a few unrelated words work well.")
        add = st.form_submit_button("Add user")
    if add:
        try:
            created = store.add_user(new_username, new_password, Role(new_role), new_name, actor=user)
            st.success(f"Added {created.role.value} {created.username}.")
        except (StoreError, ValueError) as problem:
            st.error(str(problem))
    others = [u.username for u in store.users() if u.username != user.username]
    if others:
        left, right = st.columns(2)
        who = left.selectbox("Account", others, key="toggle_user")
        active = {u.username: u.active for u in store.users()}[who]
        if right.button("Deactivate" if active else "Reactivate", key="toggle_user_active"):
            store.set_user_active(who, not active, user)
            st.rerun()
