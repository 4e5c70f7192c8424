import {Text} from 'ink';

/** Why the step cannot move on, under the field it is about. */
export function StepError({message}: {message: string | undefined}) {
  if (!message) return null;
  return (
    <Text color="red" wrap="wrap">
      ✖ {message}
    </Text>
  );
}
