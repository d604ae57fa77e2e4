import { Center, Loader } from '@mantine/core';
import { useEffect } from 'react';
import { createBrowserRouter, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { setUnauthenticatedHandler } from './api/client';
import { queryClient } from './api/queryClient';
import { useMe } from './api/session';
import { ErrorAlert } from './components/ErrorAlert';
import { RouteError } from './components/RouteError';
import { Shell } from './layout/Shell';
import { AccountPage } from './pages/Account';
import { AcceptInvitationPage } from './pages/auth/AcceptInvitation';
import { ForgotPasswordPage, ResetPasswordPage } from './pages/auth/PasswordReset';
import { SignInPage } from './pages/auth/SignIn';
import { SignUpPage } from './pages/auth/SignUp';
import { VerifyEmailPage } from './pages/auth/VerifyEmail';
import { CreateWorkspacePage } from './pages/CreateWorkspace';
import { HomePage } from './pages/Home';
import { MailboxPage } from './pages/Mailbox';
import { NotFoundPage } from './pages/NotFound';
import { ActivityTab } from './pages/workspace/ActivityTab';
import { AgentDetail } from './pages/workspace/AgentDetail';
import { AgentsTab } from './pages/workspace/AgentsTab';
import { ApiKeysTab } from './pages/workspace/ApiKeysTab';
import { BillingTab } from './pages/workspace/BillingTab';
import { HelpTab } from './pages/workspace/HelpTab';
import { MemberDetail } from './pages/workspace/MemberDetail';
import { SettingsTab } from './pages/workspace/SettingsTab';
import { UsersTab } from './pages/workspace/UsersTab';
import { WorkspaceLayout } from './pages/workspace/WorkspaceLayout';

/** Pages behind sign-in: no session → /sign-in?next=<here>. */
function RequireSession() {
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  useEffect(() => {
    // A session that expires or is revoked mid-use sends the person back to sign in.
    setUnauthenticatedHandler(() => {
      queryClient.setQueryData(['me'], null);
      const here = `${window.location.pathname}${window.location.search}`;
      navigate(`/sign-in?next=${encodeURIComponent(here)}`, { replace: true });
    });
    return () => setUnauthenticatedHandler(null);
  }, [navigate]);
  if (me.isPending) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (me.error) {
    return (
      <Center h="100vh" p="xl">
        <ErrorAlert error={me.error} onRetry={() => me.refetch()} />
      </Center>
    );
  }
  if (!me.data) {
    const here = `${location.pathname}${location.search}`;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(here)}`} replace />;
  }
  return (
    <Shell>
      <Outlet />
    </Shell>
  );
}

export const router = createBrowserRouter([
  { path: '/sign-in', element: <SignInPage /> },
  { path: '/sign-up', element: <SignUpPage /> },
  { path: '/forgot-password', element: <ForgotPasswordPage /> },
  { path: '/reset-password', element: <ResetPasswordPage /> },
  { path: '/verify-email', element: <VerifyEmailPage /> },
  // The invitation link (the server builds it; a few spellings lead to the same page).
  { path: '/invitations/accept', element: <AcceptInvitationPage /> },
  { path: '/accept-invitation', element: <AcceptInvitationPage /> },
  { path: '/invite', element: <AcceptInvitationPage /> },
  {
    element: <RequireSession />,
    errorElement: <RouteError />,
    children: [
      { path: '/', element: <HomePage /> },
      { path: '/workspaces/new', element: <CreateWorkspacePage /> },
      { path: '/account', element: <AccountPage /> },
      { path: '/dev/mailbox', element: <MailboxPage /> },
      {
        path: '/w/:workspaceId',
        element: <WorkspaceLayout />,
        errorElement: <RouteError />,
        children: [
          { index: true, element: <Navigate to="agents" replace /> },
          { path: 'agents', element: <AgentsTab /> },
          { path: 'agents/:agentId', element: <AgentDetail /> },
          { path: 'users', element: <UsersTab /> },
          { path: 'users/:userId', element: <MemberDetail /> },
          { path: 'api-keys', element: <ApiKeysTab /> },
          { path: 'settings', element: <SettingsTab /> },
          { path: 'billing', element: <BillingTab /> },
          { path: 'activity', element: <ActivityTab /> },
          { path: 'help', element: <HelpTab /> },
        ],
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
