import { criticalPath, describeCriticalPath } from './criticalPath';

describe('criticalPath', () => {
  it('follows what each resource waited for, not what merely ran alongside', () => {
    const spans = [
      { name: 'network/VPC', type: 'AWS::EC2::VPC', start: 0, end: 100 },
      {
        name: 'network/Subnet',
        type: 'AWS::EC2::Subnet',
        start: 100,
        end: 200,
      },
      // In parallel with the subnet, done before it: not on the path.
      {
        name: 'network/Igw',
        type: 'AWS::EC2::InternetGateway',
        start: 0,
        end: 150,
      },
      {
        name: 'service/Alb',
        type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
        start: 260,
        end: 2060,
      },
      {
        name: 'service/Logs',
        type: 'AWS::Logs::LogGroup',
        start: 260,
        end: 280,
      },
    ];
    const path = criticalPath(
      spans,
      60,
      { requestedAt: -40, readyAt: 2080 },
      0,
    );
    expect(path.steps.map(s => s.name)).toEqual([
      'network/VPC',
      'network/Subnet',
      'service/Alb',
    ]);
    // 1,800 ms at ×60 is 1.8 simulated minutes; 60 ms of waiting is 0.06.
    expect(path.steps[2].minutes).toBe(1.8);
    expect(path.waitMinutes).toBe(0.06);
    // 40 ms before the first resource and 20 ms after the last.
    expect(path.leadMinutes).toBe(0.04);
    expect(path.tailMinutes).toBe(0.02);
    expect(describeCriticalPath(path)).toBe(
      '0.04 until the first resource starts → network/VPC 0.10 → network/Subnet 0.10 → service/Alb 1.80 → 0.02 until Ready (+ 0.06 waiting between steps)',
    );
  });
});
